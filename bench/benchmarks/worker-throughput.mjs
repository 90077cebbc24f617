/**
 * The sms-relay worker (`startWorker`) draining 10,000 pre-enqueued SMS to the sandbox, against a
 * bare BullMQ Worker with the same concurrency whose processor only posts each job with undici
 * (one request per SMS): no validation, planning, progress, rate limiter or metrics. Measured
 * with the worker's default batching (against the bare worker at the worker's default
 * concurrency) and with `SMS_BATCH_SIZE=1` (against the bare worker at 50 jobs in flight, that
 * size's default), and with delivery reports asked for. Each round runs in a fresh process (see
 * `worker-round.mjs`), which also gives the worker's memory growth; Redis's own memory before
 * and after a drain gives the bytes each waiting and each kept completed SMS costs there.
 */
import { SmsProducer } from "@sms-relay/producer";
import { parseWorkerEnv } from "@sms-relay/worker";
import { Redis } from "ioredis";
import { messageAt, SINGLE_REQUEST_CORPUS, typedMobileNumber } from "../lib/corpus.mjs";
import { redisKeyBytes } from "../lib/redis-memory.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { fetchSandboxToken } from "../lib/sandbox-child.mjs";
import { compareRounds } from "../lib/stats.mjs";
import { runWorkerRound } from "../lib/worker-round-child.mjs";

const JOBS = 10_000;
/**
 * Every key but BullMQ's event stream, which it caps at 10,000 entries however many SMS there
 * are: a fixed cost, not one per SMS, whose size follows the mix of events in its last 10,000.
 */
const PER_SMS_KEYS = { skip: /:events$/ };
const ROUND_TIMEOUT_MS = 120_000;
const MB = 1024 * 1024;
// Never called: the sandbox sends no reports in benchmarks, it only sees the webhook_url.
const DLR_URL = "http://127.0.0.1:9/kpn/dlr";
const UNBATCHED = { SMS_BATCH_SIZE: "1" };

/** The worker's defaults, read as the worker reads them. */
const DEFAULTS = parseWorkerEnv({ KPN_CLIENT_ID: "id", KPN_CLIENT_SECRET: "secret" });
const UNBATCHED_CONCURRENCY = parseWorkerEnv({
  KPN_CLIENT_ID: "id",
  KPN_CLIENT_SECRET: "secret",
  ...UNBATCHED,
}).concurrency;

/**
 * @typedef {object} WorkerMeasurement
 * @property {number} perSecond
 * @property {number} rssGrowthMb
 * @property {number} requests API requests the drain took
 * @property {number} waitingBytes Redis memory per waiting SMS (after enqueue, before the drain)
 * @property {number} completedBytes Redis memory per completed SMS kept (after the drain)
 */

/**
 * @param {{ rounds: number, redisUrl: string, sandbox: import("../lib/sandbox-child.mjs").SandboxChild }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchWorkerThroughput({ rounds, redisUrl, sandbox }) {
  const token = await fetchSandboxToken(sandbox.url);
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
  let emptyBytes = 0;
  let enqueuedBytes = 0;

  /**
   * @param {"baseline" | "subject"} mode
   * @param {number | undefined} concurrency jobs in flight; unset: the worker's default
   * @param {Record<string, string>} [env]
   * @returns {Promise<WorkerMeasurement>}
   */
  async function measure(mode, concurrency, env) {
    const round = await runWorkerRound({
      mode,
      ...(env ? { env } : {}),
      redisUrl,
      sandboxUrl: sandbox.url,
      token,
      ...(concurrency === undefined ? {} : { concurrency }),
      expected: JOBS,
      timeoutMs: ROUND_TIMEOUT_MS,
    });
    // SMS, not requests: a batched worker sends many per request.
    const { acceptedSms: accepted, sendRequests } = await sandbox.stats();
    if (round.completed !== JOBS || round.failed !== 0 || accepted < JOBS) {
      throw new Error(
        `${mode} worker finished ${round.completed} of ${JOBS} jobs (${round.failed} failed, sandbox accepted ${accepted}) within ${ROUND_TIMEOUT_MS} ms`,
      );
    }
    const drainedBytes = await redisKeyBytes(admin, PER_SMS_KEYS);
    return {
      perSecond: (JOBS / round.elapsedMs) * 1000,
      rssGrowthMb: (round.rssPeakBytes - round.rssBeforeBytes) / MB,
      requests: sendRequests,
      waitingBytes: (enqueuedBytes - emptyBytes) / JOBS,
      completedBytes: (drainedBytes - emptyBytes) / JOBS,
    };
  }

  try {
    const results = await runRounds({
      rounds,
      // Every round starts a new process from cold: a warm-up round would only cost time.
      warmupRounds: 0,
      beforeEach: async () => {
        await admin.flushall();
        await sandbox.clear();
        emptyBytes = await redisKeyBytes(admin, PER_SMS_KEYS);
        const { accepted } = await producer.sendMany(inputs);
        if (accepted.length !== JOBS)
          throw new Error(`enqueued only ${accepted.length} of ${JOBS}`);
        enqueuedBytes = await redisKeyBytes(admin, PER_SMS_KEYS);
      },
      contestants: {
        bare: () => measure("baseline", DEFAULTS.concurrency),
        batched: () => measure("subject", undefined),
        bareUnbatched: () => measure("baseline", UNBATCHED_CONCURRENCY),
        unbatched: () => measure("subject", undefined, UNBATCHED),
        // Asking for delivery reports: one reference record per request.
        reports: () => measure("subject", undefined, { SMS_DLR_URL: DLR_URL }),
      },
    });
    const of = (/** @type {string} */ name) => results[name] ?? [];
    const rate = (/** @type {string} */ name) => of(name).map((m) => m.perSecond);
    const batchedDetails = {
      jobs: JOBS,
      batchSize: DEFAULTS.batchSize,
      batchWaitMs: DEFAULTS.batchWaitMs,
      concurrency: DEFAULTS.concurrency,
      requestsPerDrain: of("batched").map((m) => m.requests),
    };
    const unbatchedDetails = { jobs: JOBS, batchSize: 1, concurrency: UNBATCHED_CONCURRENCY };
    return [
      {
        name: "worker (default batching) vs bare BullMQ + undici",
        unit: "SMS/s",
        ...compareRounds(rate("bare"), rate("batched"), { higherIsBetter: true }),
        target: 1.5,
        details: batchedDetails,
      },
      {
        name: "worker (SMS_BATCH_SIZE=1) vs bare BullMQ + undici",
        unit: "SMS/s",
        ...compareRounds(rate("bareUnbatched"), rate("unbatched"), { higherIsBetter: true }),
        target: 0.85,
        details: unbatchedDetails,
      },
      {
        name: "worker with SMS_DLR_URL vs without",
        unit: "SMS/s",
        ...compareRounds(rate("batched"), rate("reports"), { higherIsBetter: true }),
        target: 0.9,
        details: { ...batchedDetails, dlrUrl: DLR_URL },
      },
      {
        name: "worker RSS growth during the drain",
        unit: "MB",
        ...withoutRatio(
          compareRounds(
            of("bare").map((m) => m.rssGrowthMb),
            of("batched").map((m) => m.rssGrowthMb),
            { higherIsBetter: false },
          ),
        ),
        details: batchedDetails,
      },
      {
        name: "Redis bytes per waiting SMS",
        unit: "bytes",
        // Enqueued by the producer, the same for every worker: no ratio.
        ...withoutRatio(
          compareRounds(
            of("bare").map((m) => m.waitingBytes),
            of("batched").map((m) => m.waitingBytes),
            { higherIsBetter: false },
          ),
        ),
        details: { jobs: JOBS },
      },
      {
        name: "Redis bytes per completed SMS kept: batched vs SMS_BATCH_SIZE=1",
        unit: "bytes",
        ...compareRounds(
          of("unbatched").map((m) => m.completedBytes),
          of("batched").map((m) => m.completedBytes),
          { higherIsBetter: false },
        ),
        target: 1,
        details: batchedDetails,
      },
    ];
  } finally {
    await producer.close().catch(() => {});
    admin.disconnect();
  }
}

/**
 * A ratio of two small memory growths says little (1 MB against 2 MB is "2×"), so only the
 * medians are reported.
 * @param {import("../lib/stats.mjs").Comparison} comparison
 * @returns {Omit<import("../lib/stats.mjs").Comparison, "ratio">}
 */
function withoutRatio({ baseline, subject }) {
  return { baseline, subject };
}
