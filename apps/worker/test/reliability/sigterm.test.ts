import { waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSms, type Rig, startRig } from "../support/rig.js";
import { readLedger } from "../support/sandbox-ledger.js";
import { printSummary } from "../support/summary.js";

const TOTAL = 600;
const GRACE_MS = 3_000;
// Room for a loaded machine between the end of the grace time and the process being gone.
const EXIT_SLACK_MS = 2_000;

const STUCK_CONCURRENCY = 5;

/**
 * A deploy or a scale-down sends SIGTERM to a busy worker. It must stop taking jobs, finish the
 * sends in flight and exit 0 within SHUTDOWN_GRACE_MS, leaving nothing half done for the next
 * worker; sends that outlast the grace time are left to the next worker, not waited for.
 */
describe.sequential("SIGTERM to a busy worker", () => {
  let rig: Rig | undefined;

  beforeAll(async () => {
    rig = await startRig({
      label: "sigterm",
      faults: { latencyMs: 50, latencyJitterMs: 100, seed: 11 },
      workerEnv: { WORKER_CONCURRENCY: "10", SHUTDOWN_GRACE_MS: String(GRACE_MS) },
    });
  }, 600_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it("exits 0 within the grace time and leaves no SMS unfinished, lost or sent twice", async () => {
    if (!rig) throw new Error("the rig did not start");
    const [leaving, staying] = await Promise.all([
      rig.startWorker("leaving"),
      rig.startWorker("staying"),
    ]);
    if (!leaving || !staying) throw new Error("workers did not start");

    const ids = await rig.enqueue(makeSms("sigterm", TOTAL));
    const queues = rig.queues;
    await waitFor(
      async () => ((await queues.sms.getJobCounts("completed")).completed ?? 0) >= TOTAL / 4,
      { timeoutMs: 60_000, intervalMs: 20, description: "a quarter of the SMS sent" },
    );
    const signalledAt = leaving.signal("SIGTERM");
    const exit = await leaving.exited;
    expect(exit, leaving.describe()).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt, leaving.describe()).toBeLessThanOrEqual(GRACE_MS + EXIT_SLACK_MS);

    // In-flight jobs were finished, not abandoned to the stalled-job check: the rest settles
    // with the remaining worker well before a lock could expire.
    const report = await queues.settle(ids, 25_000);
    expect(
      report.missing,
      `${JSON.stringify(report.counts)}\n${await queues.describe(report.missing)}\n${staying.describe()}`,
    ).toEqual([]);
    expect(report.both).toEqual([]);
    expect([...report.dead.values()]).toEqual([]);
    expect((await queues.sms.getJobCounts("active")).active).toBe(0);

    const ledger = readLedger(rig.sandbox.received());
    printSummary("sigterm", {
      exitMs: exit.at - signalledAt,
      exitCode: exit.code,
      sent: report.sent.size,
      dead: report.dead.size,
      duplicates: ledger.duplicates,
    });
    expect(ledger.duplicates, ledger.duplicateExamples.join("\n")).toBe(0);
    expect(ledger.arrivals.size).toBe(TOTAL);
  }, 180_000);

  it("exits 0 at the grace time when sends outlast it; the next worker finishes them", async () => {
    if (!rig) throw new Error("the rig did not start");
    const queues = rig.queues;
    // Only the worker under test may take the jobs of this part. (SIGINT, as from Ctrl-C, must
    // shut down the same way.)
    for (const worker of rig.workers) {
      if (worker.exit()) continue;
      worker.signal("SIGINT");
      expect(await worker.exited, worker.describe()).toMatchObject({ code: 0, signal: null });
    }
    // Every send is accepted and then never answered: the worker cannot finish any in time.
    rig.sandbox.setFaults({ rateHangAfterSend: 1, hangMs: 60_000, seed: 12 });
    const stuck = await rig.startWorker("stuck", {
      WORKER_CONCURRENCY: String(STUCK_CONCURRENCY),
      KPN_TIMEOUT_MS: "30000",
    });
    const acceptedBefore = rig.sandbox.received().length;
    const ids = await rig.enqueue(makeSms("sigterm-stuck", 20));
    const sandbox = rig.sandbox;
    await waitFor(() => sandbox.received().length >= acceptedBefore + STUCK_CONCURRENCY, {
      timeoutMs: 30_000,
      description: `${STUCK_CONCURRENCY} sends held by the API`,
    });

    const signalledAt = stuck.signal("SIGTERM");
    const exit = await stuck.exited;
    expect(exit, stuck.describe()).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt, stuck.describe()).toBeLessThanOrEqual(GRACE_MS + EXIT_SLACK_MS);

    // A restarted worker takes the waiting jobs at once and the abandoned ones once their locks
    // expire and the stalled-job check runs (about a minute).
    sandbox.setFaults({ seed: 13 });
    const replacement = await rig.startWorker("replacement");
    const report = await queues.settle(ids, 150_000);
    const ledger = readLedger(sandbox.received());
    printSummary("sigterm-stuck", {
      exitMs: exit.at - signalledAt,
      exitCode: exit.code,
      settledMsAfterExit: Date.now() - exit.at,
      sent: report.sent.size,
      dead: report.dead.size,
      duplicates: ledger.duplicates,
    });
    expect(
      report.missing,
      `${JSON.stringify(report.counts)}\n${await queues.describe(report.missing)}\n${replacement.describe()}`,
    ).toEqual([]);
    expect(report.both).toEqual([]);
    expect([...report.dead.values()]).toEqual([]);
    expect((await queues.sms.getJobCounts("active")).active).toBe(0);
    // At-least-once: only what the stopped worker had in flight may go out twice.
    expect(ledger.duplicates, ledger.duplicateExamples.join("\n")).toBeLessThanOrEqual(
      STUCK_CONCURRENCY,
    );
  }, 240_000);
});
