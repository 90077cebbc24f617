import { afterEach, describe, expect, it } from "vitest";
import { RETRY_GAPS_SECONDS, type SandboxDeliveryReports } from "../src/index.js";
import { type Answer, startReportReceiver } from "./support/report-receiver.js";
import { startSandbox, type TestSandbox, validBody } from "./support/sandbox-client.js";

const SCALE = 0.002; // 60, 120, 240 s become 120, 240, 480 ms
// A loaded machine may start a retry late, never early.
const LATE_BY_AT_MOST_MS = 200;

describe("delivery report retries", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((part) => part.close()));
  });

  async function sandbox(deliveryReports: SandboxDeliveryReports): Promise<TestSandbox> {
    const t = await startSandbox({ deliveryReports: { timeScale: SCALE, ...deliveryReports } });
    open.push(t);
    return t;
  }

  it("retries a receiver that answers 500 three times and delivers on the 4th attempt at the scaled gaps", async () => {
    const answer: Answer = (index) => (index < 3 ? 500 : 204);
    const receiver = await startReportReceiver({ answer });
    open.push(receiver);
    const t = await sandbox({});
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }));
    const arrivals = await receiver.waitFor(4, 5000);
    await t.sandbox.reportsSettled();

    expect(arrivals.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(arrivals.every((a) => a.verified)).toBe(true);
    // The same report each time: the same body, the same DLRID.
    expect(new Set(arrivals.map((a) => a.raw)).size).toBe(1);
    for (let i = 1; i < arrivals.length; i++) {
      const gap = (arrivals[i]?.at ?? 0) - (arrivals[i - 1]?.answeredAt ?? 0);
      const expected = (RETRY_GAPS_SECONDS[i - 1] ?? 0) * 1000 * SCALE;
      expect(gap).toBeGreaterThanOrEqual(expected - 2);
      expect(gap).toBeLessThan(expected + LATE_BY_AT_MOST_MS);
    }
    const [sent] = t.sandbox.sentReports();
    expect(sent?.state).toBe("delivered");
    expect(sent?.attempts.map((a) => [a.attempt, a.result])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 204],
    ]);
    expect(t.sandbox.deliveryReportStats()).toMatchObject({
      delivered: 1,
      dropped: 0,
      attempts: 4,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.arrivals).toHaveLength(4);
  });

  it("drops a report, and counts it, when the receiver is down for all 4 attempts", async () => {
    const receiver = await startReportReceiver();
    const downUrl = `${receiver.url}/r`;
    await receiver.close();
    const t = await sandbox({});
    const started = Date.now();
    await t.sendStatus(validBody({ webhook_url: downUrl }));
    await t.sandbox.reportsSettled(5000);

    expect(Date.now() - started).toBeGreaterThanOrEqual((60 + 120 + 240) * 1000 * SCALE - 5);
    const [sent] = t.sandbox.sentReports();
    expect(sent?.state).toBe("dropped");
    expect(sent?.attempts.map((a) => [a.attempt, a.result])).toEqual([
      [1, "error"],
      [2, "error"],
      [3, "error"],
      [4, "error"],
    ]);
    expect(t.sandbox.deliveryReportStats()).toMatchObject({
      planned: 1,
      delivered: 0,
      dropped: 1,
      attempts: 4,
      queued: 0,
    });
    expect(t.sandbox.reportOutcomes()[0]).toMatchObject({ outcome: "delivered", state: "dropped" });
  });

  it("counts a receiver slower than attemptTimeoutMs as a failed attempt, without holding up sends", async () => {
    const answer: Answer = (index) => (index === 0 ? "hang" : 204);
    const receiver = await startReportReceiver({ answer });
    open.push(receiver);
    const t = await sandbox({ attemptTimeoutMs: 100, maxInFlight: 1 });
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }));
    await receiver.waitFor(1);
    // The only delivery slot is taken by the hanging receiver; sends are answered regardless.
    const sendStarted = Date.now();
    expect(await t.sendStatus(validBody())).toBe(200);
    expect(Date.now() - sendStarted).toBeLessThan(100);

    await t.sandbox.reportsSettled();
    const [sent] = t.sandbox.sentReports();
    expect(sent?.attempts.map((a) => a.result)).toEqual(["timeout", 204]);
    expect(sent?.state).toBe("delivered");
  });

  it("stops pending retries on close()", async () => {
    const receiver = await startReportReceiver({ answer: () => 503 });
    open.push(receiver);
    const t = await startSandbox({ deliveryReports: { timeScale: 0.01 } }); // first gap 600 ms
    await t.sendStatus(validBody({ webhook_url: `${receiver.url}/r` }));
    await receiver.waitFor(1);
    await t.close();
    expect(t.sandbox.sentReports()[0]?.state).toBe("cancelled");
    expect(t.sandbox.deliveryReportStats()).toMatchObject({ cancelled: 1, queued: 0 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(receiver.arrivals).toHaveLength(1);
  });

  it("past maxQueued held bodies, sends no report for a new one and counts it overflowed", async () => {
    const receiver = await startReportReceiver({ answer: () => "hang" });
    open.push(receiver);
    const t = await sandbox({ maxQueued: 2, attemptTimeoutMs: 5000 });
    await t.sendStatus(
      validBody({
        webhook_url: `${receiver.url}/r`,
        messages: [{ content: "a", mobile_number: "0612345678,0611111111,0622222222" }],
      }),
    );
    await receiver.waitFor(2);
    expect(t.sandbox.deliveryReportStats()).toMatchObject({
      planned: 3,
      overflowed: 1,
      queued: 2,
    });
    expect(t.sandbox.sentReports().map((r) => r.state)).toEqual([
      "waiting",
      "waiting",
      "overflowed",
    ]);
  });
});
