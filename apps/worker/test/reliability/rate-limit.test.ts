import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSms, type Rig, startRig } from "../support/rig.js";
import { busiestWindow } from "../support/sandbox-ledger.js";
import { printSummary } from "../support/summary.js";

const TOTAL = 400;
const LIMIT = 50;
// Well below the limit, so a loaded machine passes, but far above what a limiter that stalls
// (fixed windows, long sleeps) would reach.
const MIN_RATE = 35;

/**
 * The account allows 50 requests per second across all senders. Three worker processes share
 * that limit: the API must never see more than 50 sends in any one-second window, measured at
 * the API, and the run must still use most of the allowance.
 */
describe.sequential("a rate limit shared by three workers", () => {
  let rig: Rig | undefined;

  beforeAll(async () => {
    rig = await startRig({
      label: "rate-limit",
      faults: { latencyMs: 5, latencyJitterMs: 10, seed: 3 },
      workerEnv: { SMS_RATE_LIMIT_PER_SECOND: String(LIMIT), WORKER_CONCURRENCY: "20" },
    });
  }, 600_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  it(`never sends more than ${LIMIT} in any second, and sends close to ${LIMIT}/s`, async () => {
    if (!rig) throw new Error("the rig did not start");
    const workers = await Promise.all([
      rig.startWorker("a"),
      rig.startWorker("b"),
      rig.startWorker("c"),
    ]);

    const ids = await rig.enqueue(makeSms("rate-limit", TOTAL));
    // 400 at 50/s is 8 s; 35/s would be 11.4 s.
    const report = await rig.queues.settle(ids, 60_000);
    expect(
      report.missing,
      `${JSON.stringify(report.counts)}\n${workers.map((worker) => worker.describe()).join("\n")}`,
    ).toEqual([]);
    expect([...report.dead.values()]).toEqual([]);

    const times = rig.sandbox.requests().map((request) => request.at);
    expect(times.length).toBeGreaterThanOrEqual(TOTAL);
    const busiest = busiestWindow(times, 1_000);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const rate = (times.length - 1) / ((last - first) / 1_000);
    printSummary("rate-limit", {
      sends: times.length,
      busiest: busiest.count,
      spanMs: last - first,
      rate,
    });
    expect(
      busiest.count,
      `${busiest.count} sends in the second from ${new Date(busiest.start).toISOString()}`,
    ).toBeLessThanOrEqual(LIMIT);

    expect(rate, `${times.length} sends in ${last - first} ms`).toBeGreaterThanOrEqual(MIN_RATE);
  }, 180_000);
});
