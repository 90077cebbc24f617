/**
 * The worker's rate limit as the API counts it: two worker processes (`startWorker`, sharing
 * `SMS_RATE_LIMIT_PER_SECOND=20` through Redis) drain 80 SMS to a sandbox of their own that
 * answers every send after 100 ms, and the sandbox's arrival times give the requests per second
 * sustained and the most requests in any sliding second. The baseline is the ideal: the limit.
 */
import { SmsProducer } from "@sms-relay/producer";
import { Redis } from "ioredis";
import { busiestWindow, sustainedRate } from "../lib/arrivals.mjs";
import { messageAt, SINGLE_REQUEST_CORPUS, typedMobileNumber } from "../lib/corpus.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { startSandboxChild } from "../lib/sandbox-child.mjs";
import { compareRounds } from "../lib/stats.mjs";
import { runWorkerRound } from "../lib/worker-round-child.mjs";

const LIMIT = 20;
const LATENCY_MS = 100;
// The first 20 go out at once; the other 60 take three windows, which is what is measured.
const JOBS = 80;
const WORKERS = 2;
const CONCURRENCY = 20;
const ROUND_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} RateLimitMeasurement
 * @property {number} perSecond requests per second at the API after the first `LIMIT`
 * @property {number} busiest most requests that arrived in any sliding second
 */

/**
 * @param {{ rounds: number, redisUrl: string }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchRateLimit({ rounds, redisUrl }) {
  // Its own sandbox, so that the latency set here cannot outlive this benchmark.
  const sandbox = await startSandboxChild({ faults: { latencyMs: LATENCY_MS } });
  const admin = new Redis(redisUrl);
  const producer = new SmsProducer({
    connection: redisUrl,
    defaultSender: "SMSRelay",
    maxContentLength: 1000,
  });
  const inputs = Array.from({ length: JOBS }, (_, i) => ({
    to: typedMobileNumber(i),
    content: messageAt(SINGLE_REQUEST_CORPUS, i),
  }));

  /** @returns {Promise<RateLimitMeasurement>} */
  async function measure() {
    const finished = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        runWorkerRound({
          mode: "subject",
          // One SMS per request: this measures requests against the limit.
          env: { SMS_RATE_LIMIT_PER_SECOND: String(LIMIT), SMS_BATCH_SIZE: "1" },
          redisUrl,
          sandboxUrl: sandbox.url,
          token: "",
          concurrency: CONCURRENCY,
          expected: JOBS,
          timeoutMs: ROUND_TIMEOUT_MS,
        }),
      ),
    );
    const arrivals = await sandbox.arrivals();
    const completed = Math.max(...finished.map((round) => round.completed));
    if (completed !== JOBS || arrivals.length !== JOBS) {
      throw new Error(
        `the workers finished ${completed} of ${JOBS} jobs and the sandbox saw ${arrivals.length} sends within ${ROUND_TIMEOUT_MS} ms`,
      );
    }
    return {
      perSecond: sustainedRate(arrivals, LIMIT),
      busiest: busiestWindow(arrivals, 1000),
    };
  }

  try {
    const results = await runRounds({
      rounds,
      // Every round starts new processes from cold: a warm-up round would only cost time.
      warmupRounds: 0,
      beforeEach: async () => {
        await admin.flushall();
        await sandbox.clear();
        const { accepted } = await producer.sendMany(inputs);
        if (accepted.length !== JOBS)
          throw new Error(`enqueued only ${accepted.length} of ${JOBS}`);
      },
      contestants: { subject: measure },
    });
    const measured = results.subject ?? [];
    const ideal = measured.map(() => LIMIT);
    const busiest = measured.map((m) => m.busiest);
    const details = {
      limitPerSecond: LIMIT,
      latencyMs: LATENCY_MS,
      jobs: JOBS,
      workers: WORKERS,
      concurrency: CONCURRENCY,
    };
    return [
      {
        name: "rate-limit: requests/s at the API vs the limit",
        unit: "requests/s",
        ...compareRounds(
          ideal,
          measured.map((m) => m.perSecond),
          { higherIsBetter: true },
        ),
        target: 0.9,
        details,
      },
      {
        name: "rate-limit: most requests in a sliding second",
        unit: "requests",
        // Limit ÷ most: 1.00 while no second held more than the limit.
        ...compareRounds(ideal, busiest, { higherIsBetter: false }),
        target: 1,
        details: {
          ...details,
          mostInAnyRound: Math.max(...busiest),
          roundsOverLimit: busiest.filter((count) => count > LIMIT).length,
        },
      },
    ];
  } finally {
    await producer.close().catch(() => {});
    admin.disconnect();
    await sandbox.close();
  }
}
