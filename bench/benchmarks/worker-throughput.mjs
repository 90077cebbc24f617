/**
 * The sms-relay worker (`startWorker`, 50 jobs in flight) draining 5000 pre-enqueued SMS to the
 * sandbox, against a bare BullMQ Worker with the same concurrency whose processor only posts the
 * message with undici: no validation, planning, progress, rate limiter or metrics. Each round runs
 * in a fresh process (see `worker-round.mjs`), which also gives the worker's memory growth.
 */
import { SmsProducer } from "@sms-relay/producer";
import { Redis } from "ioredis";
import { messageAt, SINGLE_REQUEST_CORPUS, typedMobileNumber } from "../lib/corpus.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { fetchSandboxToken } from "../lib/sandbox-child.mjs";
import { compareRounds } from "../lib/stats.mjs";
import { runWorkerRound } from "../lib/worker-round-child.mjs";

const JOBS = 5000;
const CONCURRENCY = 50;
const ROUND_TIMEOUT_MS = 90_000;
const MB = 1024 * 1024;
// Never called: the sandbox sends no reports in benchmarks, it only sees the webhook_url.
const DLR_URL = "http://127.0.0.1:9/kpn/dlr";

/**
 * @typedef {object} WorkerMeasurement
 * @property {number} perSecond
 * @property {number} rssGrowthMb
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

  /**
   * @param {"baseline" | "subject"} mode
   * @param {Record<string, string>} [env]
   * @returns {Promise<WorkerMeasurement>}
   */
  async function measure(mode, env) {
    const round = await runWorkerRound({
      mode,
      ...(env ? { env } : {}),
      redisUrl,
      sandboxUrl: sandbox.url,
      token,
      concurrency: CONCURRENCY,
      expected: JOBS,
      timeoutMs: ROUND_TIMEOUT_MS,
    });
    // SMS, not requests: a batched worker sends many per request.
    const { acceptedSms: accepted } = await sandbox.stats();
    if (round.completed !== JOBS || round.failed !== 0 || accepted < JOBS) {
      throw new Error(
        `${mode} worker finished ${round.completed} of ${JOBS} jobs (${round.failed} failed, sandbox accepted ${accepted}) within ${ROUND_TIMEOUT_MS} ms`,
      );
    }
    return {
      perSecond: (JOBS / round.elapsedMs) * 1000,
      rssGrowthMb: (round.rssPeakBytes - round.rssBeforeBytes) / MB,
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
        const { accepted } = await producer.sendMany(inputs);
        if (accepted.length !== JOBS)
          throw new Error(`enqueued only ${accepted.length} of ${JOBS}`);
      },
      contestants: {
        baseline: () => measure("baseline"),
        subject: () => measure("subject"),
        // The same worker asking for delivery reports: a reference record before every send.
        reports: () => measure("subject", { SMS_DLR_URL: DLR_URL }),
      },
    });
    const baseline = results.baseline ?? [];
    const subject = results.subject ?? [];
    const reports = results.reports ?? [];
    const details = { jobs: JOBS, concurrency: CONCURRENCY };
    return [
      {
        name: "worker drain vs bare BullMQ + undici",
        unit: "SMS/s",
        ...compareRounds(
          baseline.map((m) => m.perSecond),
          subject.map((m) => m.perSecond),
          { higherIsBetter: true },
        ),
        target: 0.7,
        details,
      },
      {
        name: "worker with SMS_DLR_URL vs without",
        unit: "SMS/s",
        ...compareRounds(
          subject.map((m) => m.perSecond),
          reports.map((m) => m.perSecond),
          { higherIsBetter: true },
        ),
        target: 0.9,
        details: { ...details, dlrUrl: DLR_URL },
      },
      {
        name: "worker RSS growth during the drain",
        unit: "MB",
        ...withoutRatio(
          compareRounds(
            baseline.map((m) => m.rssGrowthMb),
            subject.map((m) => m.rssGrowthMb),
            { higherIsBetter: false },
          ),
        ),
        details,
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
