import type { SandboxFaults } from "@sms-relay/kpn-sandbox";
import { waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLogLeaks } from "../support/log-leaks.js";
import {
  CONTENT_MARKER,
  makeSms,
  type Rig,
  type SmsInput,
  startRig,
  TEST_CLIENT_SECRET,
} from "../support/rig.js";
import { documentIdProblems, readLedger } from "../support/sandbox-ledger.js";
import { printSummary } from "../support/summary.js";

const TOTAL = 2_000;
const CHAOS: SandboxFaults = {
  rate429: 0.1,
  // 429s carry `Retry-After: 1` (then `0`, see below) six times in ten, and none otherwise.
  retryAfterSeconds: 1,
  retryAfterShare: 0.6,
  rate503: 0.1,
  rateReset: 0.015,
  rateResetAfterSend: 0.015,
  rateHang: 0.01,
  rateHangAfterSend: 0.01,
  rate500Sent: 0.01,
  // Longer than KPN_TIMEOUT_MS, so a hanging send is a client timeout.
  hangMs: 1_500,
  seed: 20_240_611,
};
// One in fifty is longer than the account accepts (see below): the API refuses it for good.
const TOO_LONG_EVERY = 50;

// Sends (of about 2,750) before `Retry-After` changes from 1 to 0.
const SWITCH_AFTER_SENDS = 1_300;

function tooLong(content: string): string {
  return `${content} ${"x".repeat(200)}`;
}

/**
 * 2,000 SMS through an API that fails a quarter of all sends in every way the real gateway does:
 * throttling with and without Retry-After, unavailability, resets and hangs before and after the
 * message was accepted, and 500s after the message went out.
 */
describe.sequential("chaos at the KPN API", () => {
  let rig: Rig | undefined;

  beforeAll(async () => {
    rig = await startRig({
      label: "chaos",
      sandboxMaxContentLength: 160,
      workerEnv: {
        // The account is configured for 1000 characters but really takes 160 (a demo account):
        // content between the two goes out as one message and the API answers 400.
        KPN_MAX_CONTENT_LENGTH: "1000",
        KPN_TIMEOUT_MS: "1000",
        WORKER_CONCURRENCY: "50",
        SMS_MAX_ATTEMPTS: "10",
        SMS_BACKOFF_MS: "50",
        SMS_BACKOFF_MAX_MS: "500",
      },
    });
  }, 600_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it("ends every SMS sent or dead-lettered and resends only after an ambiguous failure", async () => {
    if (!rig) throw new Error("the rig did not start");
    const workers = await Promise.all([rig.startWorker("a"), rig.startWorker("b")]);

    // Before the chaos: a refusal is final on the first answer. (Under chaos a gateway fault may
    // come before the refusal, so there the attempt count is not 1 for every refused SMS.)
    const refusedFirst = makeSms("refused", 20).map((sms) => ({
      ...sms,
      content: tooLong(sms.content),
    }));
    const refusedIds = await rig.enqueue(refusedFirst);
    const refusedReport = await rig.queues.settle(refusedIds, 30_000);
    for (const id of refusedIds) {
      expect(refusedReport.dead.get(id), `job ${id}`).toMatchObject({
        v: 1,
        jobId: id,
        reason: "rejected",
        attemptsMade: 1,
        error: { status: 400 },
        documentIds: [],
      });
    }
    expect(rig.sandbox.stats().sendRequests).toBe(refusedIds.length);

    rig.sandbox.setFaults(CHAOS);

    const inputs: SmsInput[] = makeSms("chaos", TOTAL).map((sms, index) =>
      index % TOO_LONG_EVERY === 0 ? { ...sms, content: tooLong(sms.content) } : sms,
    );
    const startedAt = Date.now();
    const ids = await rig.enqueue(inputs);
    const tooLongIds = new Set(ids.filter((_, index) => index % TOO_LONG_EVERY === 0));
    expect(new Set(ids).size).toBe(TOTAL);

    // Halfway through, the gateway starts answering `Retry-After: 0`: retry at once, but still
    // not a send that went out.
    const sandbox = rig.sandbox;
    await waitFor(() => sandbox.stats().sendRequests >= SWITCH_AFTER_SENDS, {
      timeoutMs: 60_000,
      description: `${SWITCH_AFTER_SENDS} send requests`,
    });
    sandbox.setFaults({ ...CHAOS, retryAfterSeconds: 0, seed: (CHAOS.seed ?? 0) + 1 });
    const report = await rig.queues.settle(ids, 90_000);
    const settledMs = Date.now() - startedAt;
    const diagnostics = async () =>
      `${JSON.stringify(report.counts)}\n${await rig?.queues.describe(report.missing)}\n` +
      workers.map((worker) => worker.describe()).join("\n");

    // Nothing lost: every SMS is either sent or dead-lettered, never both, never twice.
    expect(report.missing, await diagnostics()).toEqual([]);
    expect(report.both).toEqual([]);
    expect(report.extraDeadLetters).toEqual([]);
    const sentIds = ids.filter((id) => report.sent.has(id));
    const deadIds = ids.filter((id) => report.dead.has(id));
    expect(sentIds.length + deadIds.length).toBe(TOTAL);
    for (const worker of workers) expect(worker.exit(), worker.describe()).toBeUndefined();

    // A permanent refusal is dead-lettered as such, however many gateway faults came before it.
    for (const id of tooLongIds) {
      expect(report.dead.get(id), `job ${id}`).toMatchObject({
        jobId: id,
        reason: "rejected",
        error: { status: 400 },
      });
    }
    // Retryable failures are retried; with 10 attempts against faults on a quarter of all sends,
    // every SMS the API accepts gets through.
    const deadButSendable = deadIds.filter((id) => !tooLongIds.has(id));
    expect(
      deadButSendable.map((id) => report.dead.get(id)),
      "dead-lettered although the API accepts them",
    ).toEqual([]);

    // Every document id a sent job reports was issued by the API, for that very SMS.
    const ledger = readLedger(rig.sandbox.received());
    const sentSms = ids.flatMap((id, index) => {
      const result = report.sent.get(id);
      return result ? [{ id, ...inputs[index]!, documentIds: result.documentIds }] : [];
    });
    expect(documentIdProblems(ledger, sentSms)).toEqual([]);

    // Duplicates happen only where the worker could not know whether the API had sent the SMS,
    // and it counts every such case.
    let ambiguous = 0;
    for (const worker of workers) ambiguous += await worker.metric("sms_ambiguous_failures_total");
    const stats = rig.sandbox.stats();
    printSummary("chaos", {
      settledMs,
      logLines: workers.reduce((sum, worker) => sum + worker.logs.length, 0),
      sent: sentIds.length,
      dead: deadIds.length,
      duplicates: ledger.duplicates,
      ambiguous,
      sendRequests: stats.sendRequests,
      byStatus: stats.byStatus,
      resets: stats.resets,
      hangs: stats.hangs,
    });
    expect(
      ledger.duplicates,
      `duplicates at the API: ${ledger.duplicateExamples.join("\n")}`,
    ).toBeLessThanOrEqual(ambiguous);

    // Hundreds of warnings were logged; none may give away the secret, a number or a text.
    const leaks = findLogLeaks(workers, {
      secrets: [TEST_CLIENT_SECRET],
      contentMarker: CONTENT_MARKER,
    });
    expect(leaks.slice(0, 5)).toEqual([]);

    // The run did meet the faults it claims to survive.
    expect(stats.byStatus["429"] ?? 0).toBeGreaterThan(50);
    expect(stats.byStatus["503"] ?? 0).toBeGreaterThan(50);
    expect(stats.resets).toBeGreaterThan(10);
    expect(stats.hangs).toBeGreaterThan(5);
    expect(ledger.duplicates + ambiguous).toBeGreaterThan(0);
  }, 180_000);
});
