import { sleep, waitFor } from "@sms-relay/testing";
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
import { readLedger } from "../support/sandbox-ledger.js";
import { printSummary } from "../support/summary.js";

const TOTAL = 800;
const LANES = 4;
// A send that neither resolves nor rejects within this long counts as not acknowledged.
const SEND_PATIENCE_MS = 10_000;

/** What a backend that keeps enqueueing through an outage sees. */
interface SendLog {
  acknowledged: string[];
  /** Acknowledged after Redis came back. */
  acknowledgedAfterRestart: number;
  rejected: number;
  hung: number;
}

/** Enqueues `inputs` from a few concurrent lanes at a steady pace, whatever Redis is doing. */
async function sendThroughOutage(
  rig: Rig,
  inputs: readonly SmsInput[],
  log: SendLog,
  restarted: () => boolean,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (;;) {
      const input = inputs[next++];
      if (!input) return;
      let timer: NodeJS.Timeout | undefined;
      const patience = new Promise<"hung">((resolve) => {
        timer = setTimeout(() => resolve("hung"), SEND_PATIENCE_MS);
      });
      try {
        const result = await Promise.race([rig.producer.send(input), patience]);
        if (result === "hung") {
          log.hung += 1;
        } else {
          log.acknowledged.push(result.id);
          if (restarted()) log.acknowledgedAfterRestart += 1;
        }
      } catch {
        log.rejected += 1;
        // A backend would back off too; without a pause this loop only spins on a dead socket.
        await sleep(50);
      } finally {
        clearTimeout(timer);
      }
      // A steady trickle (about 150/s in all) that spans the outage.
      await sleep(20);
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
}

/**
 * Redis dies (SIGKILL, no shutdown) while workers send and a backend enqueues, and comes back on
 * the same port with its append-only file. Everything the producer acknowledged was written to
 * that file before the acknowledgement, so all of it must still end sent or dead-lettered.
 */
/** One SMS per request, and batches of up to 10 SMS. */
const VARIANTS = [
  { name: "one SMS per request", concurrency: 10, batchSize: 1 },
  { name: "batched", concurrency: 20, batchSize: 10 },
];

describe.sequential.each(VARIANTS)("Redis killed and restarted mid-run, $name", (variant) => {
  let rig: Rig | undefined;

  beforeAll(async () => {
    rig = await startRig({
      label: `redis-restart-${variant.batchSize}`,
      appendOnly: true,
      faults: { latencyMs: 10, latencyJitterMs: 20, seed: 5 },
      workerEnv: {
        WORKER_CONCURRENCY: String(variant.concurrency),
        SMS_BATCH_SIZE: String(variant.batchSize),
      },
    });
  }, 600_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it("carries on after Redis returns and loses no acknowledged SMS", async () => {
    if (!rig) throw new Error("the rig did not start");
    const active = rig;
    const workers = await Promise.all([active.startWorker("a"), active.startWorker("b")]);

    let restarted = false;
    const log: SendLog = { acknowledged: [], acknowledgedAfterRestart: 0, rejected: 0, hung: 0 };
    const sending = sendThroughOutage(
      active,
      makeSms("redis-restart", TOTAL),
      log,
      () => restarted,
    );

    await waitFor(() => log.acknowledged.length >= 250, {
      timeoutMs: 60_000,
      description: "250 SMS acknowledged before the outage",
    });
    await active.redis.stop({ hard: true });
    const outageStartedAt = Date.now();
    // An orchestrator must see the workers as not ready while they cannot reach Redis.
    for (const worker of workers) {
      await waitFor(async () => (await worker.readyStatus()) === 503, {
        timeoutMs: 5_000,
        description: `/readyz of worker ${worker.name} to answer 503 during the outage`,
      });
    }
    await sleep(Math.max(0, 2_000 - (Date.now() - outageStartedAt)));
    await active.redis.start();
    restarted = true;

    await sending;
    const outageEndedAt = Date.now();
    expect(
      log.acknowledgedAfterRestart,
      JSON.stringify({ ...log, acknowledged: undefined }),
    ).toBeGreaterThan(0);

    // Jobs that were active when Redis died still hold their locks in the restored data; they
    // come back through the stalled-job check (lock expiry plus interval, about a minute).
    const report = await active.queues.settle(log.acknowledged, 150_000);
    const ledger = readLedger(active.sandbox.received());
    printSummary(`redis-restart-${variant.batchSize}`, {
      acknowledged: log.acknowledged.length,
      acknowledgedAfterRestart: log.acknowledgedAfterRestart,
      rejected: log.rejected,
      hung: log.hung,
      settledMsAfterSending: Date.now() - outageEndedAt,
      sent: report.sent.size,
      dead: report.dead.size,
      missing: report.missing.length,
      duplicatesAtApi: ledger.duplicates,
    });
    expect(
      report.missing,
      `${JSON.stringify(report.counts)}\n${await active.queues.describe(report.missing)}\n` +
        workers.map((worker) => worker.describe()).join("\n"),
    ).toEqual([]);
    expect(report.both).toEqual([]);
    expect([...report.dead.values()]).toEqual([]);
    // A job in flight when Redis died may be sent again (at-least-once): at most the jobs the
    // two workers had in flight, batched or not.
    expect(ledger.duplicates).toBeLessThanOrEqual(2 * variant.concurrency);

    expect(
      findLogLeaks(workers, { secrets: [TEST_CLIENT_SECRET], contentMarker: CONTENT_MARKER }),
    ).toEqual([]);

    // The same processes are still there and ready: they reconnected rather than exited.
    for (const worker of workers) {
      expect(worker.exit(), worker.describe()).toBeUndefined();
      await worker.ready(30_000);
    }
  }, 300_000);
});
