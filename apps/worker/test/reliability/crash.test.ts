import { waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSms, type Rig, startRig } from "../support/rig.js";
import { documentIdProblems, readLedger } from "../support/sandbox-ledger.js";
import { printSummary } from "../support/summary.js";

const TOTAL = 1_000;

/** One SMS per request, and batches of up to 10 SMS (the jobs in flight fill two of them). */
const VARIANTS = [
  { name: "one SMS per request", concurrency: 10, batchSize: 1 },
  { name: "batched", concurrency: 20, batchSize: 10 },
];

/**
 * A worker process dies without warning (OOM kill, node lost) in the middle of a run. Its jobs
 * were locked in Redis; they come back to the surviving worker once the lock expires and the
 * stalled-job check runs, which takes up to about a minute with BullMQ's defaults.
 */
describe.sequential.each(VARIANTS)("a worker killed mid-run, $name", (variant) => {
  const CONCURRENCY = variant.concurrency;
  let rig: Rig | undefined;

  beforeAll(async () => {
    rig = await startRig({
      label: `crash-${variant.batchSize}`,
      faults: { latencyMs: 20, latencyJitterMs: 30, seed: 7 },
      workerEnv: {
        WORKER_CONCURRENCY: String(CONCURRENCY),
        SMS_BATCH_SIZE: String(variant.batchSize),
      },
    });
  }, 600_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  // Batched or not, what a killed worker can have sent without recording it is its jobs in
  // flight: a request carries only SMS the worker holds.
  it("loses no SMS and resends at most what the killed worker had in flight", async () => {
    if (!rig) throw new Error("the rig did not start");
    const [victim, survivor] = await Promise.all([
      rig.startWorker("victim"),
      rig.startWorker("survivor"),
    ]);
    if (!victim || !survivor) throw new Error("workers did not start");

    const inputs = makeSms("crash", TOTAL);
    const ids = await rig.enqueue(inputs);
    const queues = rig.queues;
    await waitFor(
      async () => ((await queues.sms.getJobCounts("completed")).completed ?? 0) >= TOTAL / 4,
      { timeoutMs: 60_000, intervalMs: 20, description: "a quarter of the SMS sent" },
    );
    const activeAtKill = (await queues.sms.getJobCounts("active")).active ?? 0;
    const killedAt = victim.signal("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");

    // Lock expiry (30 s) plus the stalled check interval (30 s), with room for a loaded machine.
    const report = await queues.settle(ids, 150_000);
    const recoveredMs = Date.now() - killedAt;
    const ledger = readLedger(rig.sandbox.received());
    printSummary(`crash-${variant.batchSize}`, {
      activeAtKill,
      recoveredMs,
      sent: report.sent.size,
      dead: report.dead.size,
      duplicates: ledger.duplicates,
    });
    expect(
      report.missing,
      `${JSON.stringify(report.counts)}\n${await queues.describe(report.missing)}\n${survivor.describe()}`,
    ).toEqual([]);
    expect(report.both).toEqual([]);
    // Nothing failed at the API, so nothing belongs in the dead-letter queue.
    expect([...report.dead.values()]).toEqual([]);
    expect(survivor.exit(), survivor.describe()).toBeUndefined();

    expect(
      ledger.duplicates,
      `duplicates: ${ledger.duplicateExamples.join("\n")} (${activeAtKill} jobs active at the kill)`,
    ).toBeLessThanOrEqual(CONCURRENCY);
    const sentSms = ids.map((id, index) => ({
      id,
      ...inputs[index]!,
      documentIds: report.sent.get(id)?.documentIds,
    }));
    expect(documentIdProblems(ledger, sentSms)).toEqual([]);
    // Every SMS reached the API at least once.
    expect(ledger.arrivals.size).toBe(TOTAL);
  }, 240_000);
});
