import { request } from "node:http";
import { readDelivery } from "@sms-relay/producer";
import { describe, expect, it } from "vitest";
import { signWebhookBody } from "../src/webhook-keys.js";
import { KEY, kpnReport, metricValue, TO, useReceipts } from "./helpers.js";

const h = useReceipts();

/** Nothing but the reference hashes under the prefix: no state, no seen mark, no unmatched. */
async function expectNothingStored(jobId: string) {
  expect(await h.storedKeys()).toEqual([]);
  expect(await readDelivery(h.client(), h.prefix, jobId)).toEqual({ state: "unknown" });
  expect((await fetch(`${h.url()}/healthz`)).status).toBe(200);
}

describe("refused webhook requests store nothing", () => {
  it("401 for a forged signature", async () => {
    const reference = await h.sentSms({ [TO]: "job-forged" });
    const response = await h.post(reference, kpnReport(), { key: { id: KEY.id, secret: "guess" } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "RECEIPTS_REFUSED_SIGNATURE" });
    await expectNothingStored("job-forged");
  });

  it("401 for a body changed after signing", async () => {
    const reference = await h.sentSms({ [TO]: "job-changed" });
    const signed = JSON.stringify(kpnReport({ Status: 4 }));
    const response = await h.post(reference, JSON.stringify(kpnReport({ Status: 1 })), {
      key: null,
      headers: {
        "x-kpn-webhook-key-id": KEY.id,
        "x-kpn-webhook-signature": signWebhookBody(KEY.secret, signed),
      },
    });
    expect(response.status).toBe(401);
    await expectNothingStored("job-changed");
  });

  it("401 for an unsigned report, and for a signature that is not hex of the right length", async () => {
    const reference = await h.sentSms({ [TO]: "job-unsigned" });
    expect((await h.post(reference, kpnReport(), { key: null })).status).toBe(401);
    const short = await h.post(reference, kpnReport(), {
      key: null,
      headers: { "x-kpn-webhook-key-id": KEY.id, "x-kpn-webhook-signature": "abcd" },
    });
    expect(short.status).toBe(401);
    await expectNothingStored("job-unsigned");
  });

  it("401 for a key id no key is configured for, even with a right signature", async () => {
    const reference = await h.sentSms({ [TO]: "job-keyid" });
    const response = await h.post(reference, kpnReport(), {
      key: { id: "other", secret: KEY.secret },
    });
    expect(response.status).toBe(401);
    await expectNothingStored("job-keyid");
  });

  it("400 for malformed JSON and for bodies without a usable report, naming the field", async () => {
    const reference = await h.sentSms({ [TO]: "job-bad" });
    const cases: Array<[unknown, string]> = [
      ['{"Status": 1,', "JSON"],
      [{ RecipientPhonenumber: TO }, "Status"],
      [{ Status: 1 }, "RecipientPhonenumber"],
      [{ Status: 9, RecipientPhonenumber: TO }, "Status"],
      [{ Status: 1, RecipientPhonenumber: "not a number" }, "RecipientPhonenumber"],
      [[], "no report"],
      ["42", "object"],
    ];
    for (const [body, field] of cases) {
      const response = await h.post(reference, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const answer = (await response.json()) as { code: string; error: string };
      expect(answer.code).toBe("RECEIPTS_REFUSED_BODY");
      expect(answer.error).toContain(field);
      expect(answer.error).not.toContain("not a number");
    }
    await expectNothingStored("job-bad");
    expect(await metricValue(h.url(), 'sms_dlr_refused_total{cause="body"}')).toBe(cases.length);
  });

  it("413 for a 2 MiB body, signed or not, declared or streamed", async () => {
    const reference = await h.sentSms({ [TO]: "job-big" });
    const big = JSON.stringify([kpnReport(), { padding: "x".repeat(2 * 1024 * 1024) }]);
    const declared = await h.post(reference, big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: "RECEIPTS_REFUSED_SIZE" });

    // Chunked, without Content-Length: refused when the limit is passed.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.url()}/kpn/dlr/${reference}`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(64 * 1024, "x");
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    await expectNothingStored("job-big");
    expect(await metricValue(h.url(), 'sms_dlr_refused_total{cause="size"}')).toBe(2);
  });

  it("counts signature refusals and answers reports afterwards", async () => {
    expect(await metricValue(h.url(), 'sms_dlr_refused_total{cause="signature"}')).toBe(5);
    const reference = await h.sentSms({ [TO]: "job-after" });
    expect((await h.post(reference, kpnReport())).status).toBe(204);
    expect((await readDelivery(h.client(), h.prefix, "job-after")).state).toBe("delivered");
  });
});
