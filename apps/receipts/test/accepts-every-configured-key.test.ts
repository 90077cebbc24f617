import { readDelivery } from "@sms-relay/producer";
import { describe, expect, it } from "vitest";
import { signWebhookBody } from "../src/webhook-keys.js";
import { kpnReport, TO, useReceipts } from "./helpers.js";

const retiring = { id: "key-2025", secret: "old-secret" };
const active = { id: "key-2026", secret: "new-secret" };
const h = useReceipts({ keys: [retiring, active] });

describe("signing key rotation", () => {
  it("accepts reports signed with either configured key, each chosen by its key id", async () => {
    const first = await h.sentSms({ [TO]: "job-old" });
    const second = await h.sentSms({ [TO]: "job-new" });
    expect((await h.post(first, kpnReport(), { key: retiring })).status).toBe(204);
    expect((await h.post(second, kpnReport(), { key: active })).status).toBe(204);
    expect((await readDelivery(h.client(), h.prefix, "job-old")).state).toBe("delivered");
    expect((await readDelivery(h.client(), h.prefix, "job-new")).state).toBe("delivered");
  });

  it("does not accept one key's secret under the other key's id", async () => {
    const reference = await h.sentSms({ [TO]: "job-swapped" });
    const swapped = { id: active.id, secret: retiring.secret };
    expect((await h.post(reference, kpnReport(), { key: swapped })).status).toBe(401);
  });
});

describe("the key id *", () => {
  const any = useReceipts({ keys: [{ id: "*", secret: "shared-secret" }] });

  it("matches any key id, and a missing one", async () => {
    const reference = await any.sentSms({ [TO]: "job-any" });
    const key = { id: "whatever-kpn-sends", secret: "shared-secret" };
    expect((await any.post(reference, kpnReport({ Status: 2 }), { key })).status).toBe(204);
    const body = JSON.stringify(kpnReport({ Status: 1 }));
    const response = await fetch(`${any.url()}/kpn/dlr/${reference}`, {
      method: "POST",
      headers: { "x-kpn-webhook-signature": signWebhookBody("shared-secret", body) },
      body,
    });
    expect(response.status).toBe(204);
    expect((await readDelivery(any.client(), any.prefix, "job-any")).state).toBe("delivered");
  });

  it("still refuses a signature made with another secret", async () => {
    const reference = await any.sentSms({ [TO]: "job-any-forged" });
    const key = { id: "whatever-kpn-sends", secret: "not-the-secret" };
    expect((await any.post(reference, kpnReport(), { key })).status).toBe(401);
  });
});
