import { readDelivery } from "@sms-relay/producer";
import { waitFor } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { kpnReport, TO, useReceipts } from "./helpers.js";

// appendOnly: a redis-server child of our own, which the test can stop and start.
const h = useReceipts({ appendOnly: true });

describe("Redis unreachable", () => {
  it("answers 503 so that KPN retries, and /readyz 503; stores the retry once Redis is back", async () => {
    const reference = await h.sentSms({ [TO]: "job-down" });
    const report = kpnReport({ Status: 1 });
    await h.redis().stop();
    await waitFor(() => h.appRedis().status !== "ready");

    const response = await h.post(reference, report);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "RECEIPTS_UNAVAILABLE" });
    expect((await fetch(`${h.url()}/readyz`)).status).toBe(503);
    expect((await fetch(`${h.url()}/healthz`)).status).toBe(200);

    await h.redis().start();
    await waitFor(() => h.appRedis().status === "ready", { timeoutMs: 20_000 });
    expect((await fetch(`${h.url()}/readyz`)).status).toBe(200);
    expect((await h.post(reference, report)).status).toBe(204);
    expect((await readDelivery(h.client(), h.prefix, "job-down")).state).toBe("delivered");
  });
});
