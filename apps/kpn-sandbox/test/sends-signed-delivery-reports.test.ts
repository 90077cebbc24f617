import { afterEach, describe, expect, it } from "vitest";
import type { DeliveryReportBody, SandboxDeliveryReports } from "../src/index.js";
import { type ReportReceiver, startReportReceiver } from "./support/report-receiver.js";
import { json, startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("delivery reports", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((part) => part.close()));
  });

  async function start(
    deliveryReports: SandboxDeliveryReports = {},
    receiverOptions: Parameters<typeof startReportReceiver>[0] = {},
  ): Promise<{ t: TestSandbox; receiver: ReportReceiver }> {
    const receiver = await startReportReceiver(receiverOptions);
    const t = await startSandbox({ deliveryReports });
    open.push(t, receiver);
    return { t, receiver };
  }

  async function documentIdOf(res: Response): Promise<string> {
    expect(res.status).toBe(200);
    return (await json<{ document_id: string }>(res)).document_id;
  }

  it("POSTs one signed, verifiable report per message and recipient to the webhook_url", async () => {
    const { t, receiver } = await start();
    const before = Math.floor(Date.now() / 1000);
    const documentId = await documentIdOf(
      await t.send(
        validBody({
          webhook_url: `${receiver.url}/kpn/dlr/ref-1`,
          messages: [
            { content: "a", mobile_number: "0612345678" },
            { content: "b", mobile_number: "0031687654321,+31611111111" },
          ],
        }),
      ),
    );
    const arrivals = await receiver.waitFor(3);
    await t.sandbox.reportsSettled();
    expect(receiver.arrivals).toHaveLength(3);
    for (const arrival of arrivals) {
      expect(arrival.path).toBe("/kpn/dlr/ref-1");
      expect(arrival.verified).toBe(true);
      expect(arrival.headers["content-type"]).toBe("application/json");
      expect(arrival.headers["x-kpn-webhook-key-id"]).toBe("sandbox-key");
      expect(arrival.headers["x-kpn-webhook-attempt"]).toBe("1");
      const timestamp = Number(arrival.headers["x-kpn-webhook-timestamp"]);
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
      expect(arrival.isArray).toBe(false);
    }
    const reports = arrivals.flatMap((arrival) => arrival.reports);
    expect(reports.map((r) => r.RecipientPhonenumber).sort()).toEqual([
      "+31611111111",
      "+31612345678",
      "+31687654321",
    ]);
    for (const report of reports) {
      expect(Object.keys(report).sort()).toEqual(
        [
          "DLRID",
          "ErrorCode",
          "RecipientPhonenumber",
          "Status",
          "StatusDateTime",
          "StatusDescription",
          "document_id",
        ].sort(),
      );
      expect(report).toMatchObject({
        document_id: documentId,
        Status: 1,
        StatusDescription: "Delivered",
        ErrorCode: "000",
      });
      expect(report.DLRID).toMatch(UUID);
      expect(Number.isInteger(report.StatusDateTime)).toBe(true);
      expect(report.StatusDateTime).toBeGreaterThanOrEqual(before);
    }
    expect(new Set(reports.map((r) => r.DLRID)).size).toBe(3);
    expect(t.sandbox.deliveryReportStats()).toMatchObject({
      planned: 3,
      delivered: 3,
      dropped: 0,
      attempts: 3,
      queued: 0,
    });
  });

  it("signs with the configured key, so a receiver with another secret cannot verify", async () => {
    const { t, receiver } = await start(
      { keyId: "key-2", secret: "another-secret" },
      { secret: "sandbox-webhook-secret" },
    );
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }));
    const [arrival] = await receiver.waitFor(1);
    expect(arrival?.headers["x-kpn-webhook-key-id"]).toBe("key-2");
    expect(arrival?.verified).toBe(false);
  });

  it("sends nothing for a request without webhook_url", async () => {
    const { t, receiver } = await start();
    expect(await t.sendStatus(validBody())).toBe(200);
    await t.sandbox.reportsSettled();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.arrivals).toEqual([]);
    expect(t.sandbox.sentReports()).toEqual([]);
    expect(t.sandbox.deliveryReportStats().planned).toBe(0);
  });

  it("gives each message × recipient the outcome its seed decides, the same for the same seed", async () => {
    const settings = { failedShare: 0.3, expiredShare: 0.2, failedErrorCode: "42", seed: 5 };
    const numbers = Array.from({ length: 40 }, (_, i) => `06${String(10_000_000 + i)}`);
    const body = (url: string) =>
      validBody({
        webhook_url: `${url}/r`,
        messages: [
          { content: "a", mobile_number: numbers.slice(0, 20).join(",") },
          { content: "b", mobile_number: numbers.slice(20).join(",") },
        ],
      });
    const first = await start(settings);
    await first.t.sendStatus(body(first.receiver.url));
    await first.receiver.waitFor(40);
    await first.t.sandbox.reportsSettled();

    const outcomes = first.t.sandbox.reportOutcomes();
    expect(outcomes).toHaveLength(40);
    const byRecipient = new Map<string, DeliveryReportBody>(
      first.receiver.arrivals.flatMap((a) => a.reports).map((r) => [r.RecipientPhonenumber, r]),
    );
    for (const outcome of outcomes) {
      const arrived = byRecipient.get(outcome.recipient);
      expect(arrived?.Status).toBe(outcome.status);
      expect(arrived?.ErrorCode).toBe(outcome.errorCode);
      expect(outcome.state).toBe("delivered");
    }
    const counts = { delivered: 0, failed: 0, expired: 0 };
    for (const outcome of outcomes) counts[outcome.outcome]++;
    expect(counts.failed).toBeGreaterThan(4);
    expect(counts.expired).toBeGreaterThan(2);
    expect(counts.delivered).toBeGreaterThan(10);
    for (const report of byRecipient.values()) {
      if (report.Status === 4)
        expect(report).toMatchObject({ StatusDescription: "Failed", ErrorCode: "42" });
      if (report.Status === 6)
        expect(report).toMatchObject({ StatusDescription: "Expired", ErrorCode: "000" });
    }

    const second = await start(settings);
    await second.t.sendStatus(body(second.receiver.url));
    await second.t.sandbox.reportsSettled();
    const again = second.t.sandbox.reportOutcomes();
    expect(again.map((o) => [o.recipient, o.status])).toEqual(
      outcomes.map((o) => [o.recipient, o.status]),
    );
  });

  it("sends the reports of one request as one array body when batched", async () => {
    const { t, receiver } = await start({ batch: true });
    const documentId = await documentIdOf(
      await t.send(
        validBody({
          webhook_url: `${receiver.url}/r`,
          messages: [
            { content: "a", mobile_number: "0612345678,0687654321" },
            { content: "b", mobile_number: "0611111111" },
          ],
        }),
      ),
    );
    const [arrival] = await receiver.waitFor(1);
    await t.sandbox.reportsSettled();
    expect(receiver.arrivals).toHaveLength(1);
    expect(arrival?.verified).toBe(true);
    expect(arrival?.isArray).toBe(true);
    expect(arrival?.reports.map((r) => [r.document_id, r.RecipientPhonenumber])).toEqual([
      [documentId, "+31612345678"],
      [documentId, "+31687654321"],
      [documentId, "+31611111111"],
    ]);
    expect(t.sandbox.deliveryReportStats()).toMatchObject({
      planned: 3,
      delivered: 3,
      attempts: 1,
    });
  });

  it("waits delayMs before the first report", async () => {
    const { t, receiver } = await start({ delayMs: 300 });
    const sentAt = Date.now();
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }));
    const [arrival] = await receiver.waitFor(1);
    expect((arrival?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(290);
  });

  it("reports on a send answered 500 after it was accepted: the SMS went out", async () => {
    const receiver = await startReportReceiver();
    const t = await startSandbox({ faults: { rate500Sent: 1 } });
    open.push(t, receiver);
    expect(await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }))).toBe(500);
    const [arrival] = await receiver.waitFor(1);
    expect(arrival?.reports[0]?.document_id).toBe(t.sandbox.received()[0]?.documentId);
  });
});
