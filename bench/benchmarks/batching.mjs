/**
 * Batched sends where they pay: under a quota of API requests, and against an API that takes
 * its time. Each part runs one worker process (`startWorker`, its default batching) against a
 * sandbox of its own in its own process.
 *
 * - quota: `SMS_RATE_LIMIT_PER_SECOND=5`, the API answering after 50 ms, 3,000 SMS. SMS/s against
 *   what the same limit allows one SMS per request (5 SMS/s), and the most requests that reached
 *   the API in any sliding second against the limit.
 * - latency: 20,000 SMS with the API answering after 100 ms against the same worker with the API
 *   answering at once.
 */
import { SmsProducer } from "@sms-relay/producer";
import { Redis } from "ioredis";
import { busiestWindow } from "../lib/arrivals.mjs";
import { messageAt, SINGLE_REQUEST_CORPUS, typedMobileNumber } from "../lib/corpus.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { startSandboxChild } from "../lib/sandbox-child.mjs";
import { compareRounds } from "../lib/stats.mjs";
import { runWorkerRound } from "../lib/worker-round-child.mjs";

const QUOTA = { limit: 5, latencyMs: 50, jobs: 3000 };
const LATENCY = { latencyMs: 100, jobs: 20_000 };
const ROUND_TIMEOUT_MS = 60_000;

/**
 * Enqueues `count` SMS with the producer, as a backend would before the worker starts.
 * @param {SmsProducer} producer
 * @param {number} count
 */
export async function enqueue(producer, count) {
  const inputs = Array.from({ length: count }, (_, i) => ({
    to: typedMobileNumber(i),
    content: messageAt(SINGLE_REQUEST_CORPUS, i),
  }));
  for (let start = 0; start < count; start += 5000) {
    const { accepted } = await producer.sendMany(inputs.slice(start, start + 5000));
    if (accepted.length !== Math.min(5000, count - start)) {
      throw new Error(`enqueued only ${accepted.length} SMS of a chunk`);
    }
  }
}

/**
 * One drain by one worker process with its defaults (and `env`); throws unless every SMS was
 * sent and the sandbox accepted every one.
 * @param {{ redisUrl: string, sandbox: import("../lib/sandbox-child.mjs").SandboxChild, jobs: number, env?: Record<string, string> }} options
 * @returns {Promise<{ perSecond: number, requests: number }>}
 */
export async function drainOnce({ redisUrl, sandbox, jobs, env = {} }) {
  const round = await runWorkerRound({
    mode: "subject",
    env,
    redisUrl,
    sandboxUrl: sandbox.url,
    token: "",
    expected: jobs,
    timeoutMs: ROUND_TIMEOUT_MS,
  });
  const { acceptedSms, sendRequests } = await sandbox.stats();
  if (round.completed !== jobs || round.failed !== 0 || acceptedSms < jobs) {
    throw new Error(
      `the worker finished ${round.completed} of ${jobs} SMS (${round.failed} failed, the sandbox accepted ${acceptedSms}) within ${ROUND_TIMEOUT_MS} ms`,
    );
  }
  return { perSecond: (jobs / round.elapsedMs) * 1000, requests: sendRequests };
}

/**
 * @param {{ rounds: number, redisUrl: string }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchBatching({ rounds, redisUrl }) {
  const admin = new Redis(redisUrl);
  const producer = new SmsProducer({
    connection: redisUrl,
    defaultSender: "SMSRelay",
    maxContentLength: 1000,
  });
  const quotaSandbox = await startSandboxChild({ faults: { latencyMs: QUOTA.latencyMs } });
  const slowSandbox = await startSandboxChild({ faults: { latencyMs: LATENCY.latencyMs } });
  const instantSandbox = await startSandboxChild();
  const sandboxes = [quotaSandbox, slowSandbox, instantSandbox];

  try {
    /** @type {import("../lib/report.mjs").BenchmarkRow[]} */
    const rows = [];

    const quota = await runRounds({
      rounds,
      warmupRounds: 0,
      beforeEach: async () => {
        await admin.flushall();
        await quotaSandbox.clear();
        await enqueue(producer, QUOTA.jobs);
      },
      contestants: {
        subject: async () => {
          const drained = await drainOnce({
            redisUrl,
            sandbox: quotaSandbox,
            jobs: QUOTA.jobs,
            env: { SMS_RATE_LIMIT_PER_SECOND: String(QUOTA.limit) },
          });
          const busiest = busiestWindow(await quotaSandbox.arrivals(), 1000);
          return { ...drained, busiest };
        },
      },
    });
    const measured = quota.subject ?? [];
    const unbatched = measured.map(() => QUOTA.limit);
    const busiest = measured.map((m) => m.busiest);
    const quotaDetails = {
      limitPerSecond: QUOTA.limit,
      latencyMs: QUOTA.latencyMs,
      jobs: QUOTA.jobs,
      requestsPerDrain: measured.map((m) => m.requests),
    };
    rows.push(
      {
        name: "batching: SMS/s under 5 requests/s vs one SMS per request",
        unit: "SMS/s",
        ...compareRounds(
          unbatched,
          measured.map((m) => m.perSecond),
          { higherIsBetter: true },
        ),
        // 500 SMS/s: a hundred times what the limit lets through one SMS at a time.
        target: 100,
        details: quotaDetails,
      },
      {
        name: "batching: most requests in a sliding second vs the limit",
        unit: "requests",
        ...compareRounds(unbatched, busiest, { higherIsBetter: false }),
        target: 1,
        details: {
          ...quotaDetails,
          mostInAnyRound: Math.max(...busiest),
          roundsOverLimit: busiest.filter((count) => count > QUOTA.limit).length,
        },
      },
    );

    const latency = await runRounds({
      rounds,
      warmupRounds: 0,
      beforeEach: async () => {
        await admin.flushall();
        await slowSandbox.clear();
        await instantSandbox.clear();
        await enqueue(producer, LATENCY.jobs);
      },
      contestants: {
        instant: () => drainOnce({ redisUrl, sandbox: instantSandbox, jobs: LATENCY.jobs }),
        slow: () => drainOnce({ redisUrl, sandbox: slowSandbox, jobs: LATENCY.jobs }),
      },
    });
    rows.push({
      name: "batching: SMS/s with the API at 100 ms vs at once",
      unit: "SMS/s",
      ...compareRounds(
        (latency.instant ?? []).map((m) => m.perSecond),
        (latency.slow ?? []).map((m) => m.perSecond),
        { higherIsBetter: true },
      ),
      target: 0.8,
      details: {
        latencyMs: LATENCY.latencyMs,
        jobs: LATENCY.jobs,
        requestsPerDrain: (latency.slow ?? []).map((m) => m.requests),
      },
    });
    return rows;
  } finally {
    await producer.close().catch(() => {});
    admin.disconnect();
    await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
  }
}
