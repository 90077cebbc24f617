import type { SandboxFaults } from "@sms-relay/kpn-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSms, type Rig, type SmsInput, startRig } from "../support/rig.js";
import { documentIdProblems, readLedger } from "../support/sandbox-ledger.js";
import { printSummary } from "../support/summary.js";

const TOTAL = 1_500;
const BATCH_SIZE = 20;
// Per request: with 20 SMS in most requests, fault shares per SMS are the same as unbatched.
const CHAOS: SandboxFaults = {
  rate429: 0.1,
  retryAfterSeconds: 1,
  retryAfterShare: 0.6,
  rate503: 0.1,
  rateReset: 0.02,
  rateResetAfterSend: 0.02,
  rateHang: 0.01,
  rateHangAfterSend: 0.01,
  rate500Sent: 0.02,
  hangMs: 1_500,
  seed: 20_261_202,
};
const TOO_LONG_EVERY = 50;

/**
 * The chaos run with batching on: 1,500 SMS, 20 to a request, through an API that fails a
 * quarter of all requests in every way the real gateway does, and one SMS in fifty refused.
 */
describe.sequential("chaos at the KPN API, batched sends", () => {
  let rig: Rig | undefined;

  beforeAll(async () => {
    rig = await startRig({
      label: "chaos-batched",
      sandboxMaxContentLength: 160,
      workerEnv: {
        KPN_MAX_CONTENT_LENGTH: "1000",
        KPN_TIMEOUT_MS: "1000",
        WORKER_CONCURRENCY: "60",
        SMS_BATCH_SIZE: String(BATCH_SIZE),
        SMS_BATCH_WAIT_MS: "20",
        SMS_MAX_ATTEMPTS: "10",
        SMS_BACKOFF_MS: "50",
        SMS_BACKOFF_MAX_MS: "500",
      },
    });
  }, 600_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it("loses nothing, dead-letters only the refused SMS, and resends only what ambiguous requests carried", async () => {
    if (!rig) throw new Error("the rig did not start");
    const workers = await Promise.all([rig.startWorker("a"), rig.startWorker("b")]);
    rig.sandbox.setFaults(CHAOS);

    const inputs: SmsInput[] = makeSms("batched", TOTAL).map((sms, index) =>
      index % TOO_LONG_EVERY === 0 ? { ...sms, content: `${sms.content} ${"x".repeat(200)}` } : sms,
    );
    const ids = await rig.enqueue(inputs);
    const tooLongIds = new Set(ids.filter((_, index) => index % TOO_LONG_EVERY === 0));
    const report = await rig.queues.settle(ids, 120_000);
    const diagnostics = async () =>
      `${JSON.stringify(report.counts)}\n${await rig?.queues.describe(report.missing)}\n` +
      workers.map((worker) => worker.describe()).join("\n");

    expect(report.missing, await diagnostics()).toEqual([]);
    expect(report.both).toEqual([]);
    expect(report.extraDeadLetters).toEqual([]);
    for (const worker of workers) expect(worker.exit(), worker.describe()).toBeUndefined();
    const deadIds = ids.filter((id) => report.dead.has(id));
    // Only the refused SMS are dead-lettered, each as rejected; the others of their requests go.
    expect(new Set(deadIds)).toEqual(tooLongIds);
    for (const id of tooLongIds) {
      expect(report.dead.get(id), `job ${id}`).toMatchObject({
        reason: "rejected",
        error: { status: 400 },
      });
    }

    const ledger = readLedger(rig.sandbox.received());
    const sentSms = ids.flatMap((id, index) => {
      const result = report.sent.get(id);
      return result ? [{ id, ...inputs[index]!, documentIds: result.documentIds }] : [];
    });
    expect(documentIdProblems(ledger, sentSms)).toEqual([]);

    let ambiguous = 0;
    for (const worker of workers) ambiguous += await worker.metric("sms_ambiguous_failures_total");
    const stats = rig.sandbox.stats();
    printSummary("chaos-batched", {
      sent: sentSms.length,
      dead: deadIds.length,
      duplicates: ledger.duplicates,
      ambiguous,
      sendRequests: stats.sendRequests,
      acceptedSms: stats.acceptedSms,
      byStatus: stats.byStatus,
    });
    // Each SMS of an ambiguous request is counted: duplicates stay within that count.
    expect(ledger.duplicates, ledger.duplicateExamples.join("\n")).toBeLessThanOrEqual(ambiguous);
    // Batches did form: fewer requests than SMS, the narrowing down of refusals included (each
    // refused SMS costs about two requests per halving of its batch).
    expect(stats.sendRequests).toBeLessThan(TOTAL / 2);
    expect(stats.byStatus["429"] ?? 0).toBeGreaterThan(5);
    expect(stats.byStatus["503"] ?? 0).toBeGreaterThan(5);
    expect(stats.resets + stats.hangs).toBeGreaterThan(2);
  }, 180_000);
});
