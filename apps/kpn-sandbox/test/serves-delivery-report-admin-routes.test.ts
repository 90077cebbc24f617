import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryReportStats, ReportOutcome, SentReport } from "../src/index.js";
import { type ReportReceiver, startReportReceiver } from "./support/report-receiver.js";
import { json, startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

describe("delivery report admin routes", () => {
  let t: TestSandbox;
  let receiver: ReportReceiver;
  const admin = (path: string, init?: RequestInit) => fetch(`${t.url}/_sandbox/${path}`, init);
  const put = (body: unknown) =>
    admin("delivery-reports", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    receiver = await startReportReceiver();
    t = await startSandbox();
  });
  beforeEach(() => {
    t.sandbox.setDeliveryReports({});
    t.sandbox.clear();
    receiver.arrivals.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it("GET delivery-reports shows the settings with their defaults, never the secret", async () => {
    const shown = await json(await admin("delivery-reports"));
    expect(shown).toMatchObject({
      enabled: true,
      keyId: "sandbox-key",
      delayMs: 0,
      failedShare: 0,
      expiredShare: 0,
      timeScale: 1,
      batch: false,
      seed: 1,
    });
    expect(shown).not.toHaveProperty("secret");
    expect(JSON.stringify(shown)).not.toContain("sandbox-webhook-secret");
  });

  it("PUT delivery-reports changes the outcomes at runtime and keeps the key", async () => {
    const res = await put({ failedShare: 1, failedErrorCode: "17" });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ failedShare: 1, keyId: "sandbox-key" });
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }));
    const [arrival] = await receiver.waitFor(1);
    expect(arrival?.verified).toBe(true);
    expect(arrival?.reports[0]).toMatchObject({ Status: 4, ErrorCode: "17" });
  });

  it("PUT delivery-reports with enabled false stops reports", async () => {
    await (await put({ enabled: false })).arrayBuffer();
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.arrivals).toEqual([]);
  });

  it.each([
    [{ failedShare: 2 }, "failedShare"],
    [{ failedShare: 0.6, expiredShare: 0.6 }, "expiredShare"],
    [{ pendingStatus: 4 }, "pendingStatus"],
    [{ failedErrorCode: "000" }, "failedErrorCode"],
    [{ retries: 3 }, "retries"],
  ])("PUT delivery-reports refuses %j naming the field", async (body, field) => {
    const res = await put(body);
    expect(res.status).toBe(400);
    expect((await json<{ error: string }>(res)).error).toContain(field);
  });

  it("PUT delivery-reports refuses a body that is not JSON", async () => {
    const res = await put("{nope");
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({
      error: "The body must be a JSON object of delivery report settings",
    });
  });

  it("GET reports, reports/outcomes and reports/stats tell what was sent, per document id and recipient", async () => {
    const sendTo = async (numbers: string) => {
      const res = await t.send(
        validBody({
          webhook_url: `${receiver.url}/r`,
          messages: [{ content: "a", mobile_number: numbers }],
        }),
      );
      return (await json<{ document_id: string }>(res)).document_id;
    };
    const first = await sendTo("0612345678,0687654321");
    const second = await sendTo("0612345678");
    await t.sandbox.reportsSettled();

    const all = await json<SentReport[]>(await admin("reports"));
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({
      webhookUrl: `${receiver.url}/r`,
      kind: "final",
      duplicate: false,
      messageIndex: 0,
      state: "delivered",
      attempts: [{ attempt: 1, result: 204 }],
      report: { document_id: first, RecipientPhonenumber: "+31612345678", Status: 1 },
    });
    const ofFirst = await json<SentReport[]>(await admin(`reports?documentId=${first}`));
    expect(ofFirst.map((r) => r.report.RecipientPhonenumber)).toEqual([
      "+31612345678",
      "+31687654321",
    ]);
    // Any Dutch spelling of the number finds it.
    const ofNumber = await json<SentReport[]>(await admin("reports?recipient=0612345678"));
    expect(ofNumber.map((r) => r.report.document_id)).toEqual([first, second]);
    const one = await json<SentReport[]>(
      await admin(`reports?documentId=${second}&recipient=%2B31612345678`),
    );
    expect(one).toHaveLength(1);

    const outcomes = await json<ReportOutcome[]>(
      await admin(`reports/outcomes?documentId=${first}`),
    );
    expect(outcomes).toEqual([
      {
        documentId: first,
        recipient: "+31612345678",
        messageIndex: 0,
        status: 1,
        outcome: "delivered",
        errorCode: "000",
        state: "delivered",
      },
      expect.objectContaining({ recipient: "+31687654321", outcome: "delivered" }),
    ]);
    expect(await json<DeliveryReportStats>(await admin("reports/stats"))).toEqual({
      planned: 3,
      delivered: 3,
      dropped: 0,
      overflowed: 0,
      cancelled: 0,
      attempts: 3,
      queued: 0,
      inFlight: 0,
    });

    await (await admin("clear", { method: "POST" })).arrayBuffer();
    expect(await json(await admin("reports"))).toEqual([]);
  });
});
