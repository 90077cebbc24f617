/**
 * One round of the worker benchmark, in a fresh process so that its memory figures belong to one
 * worker alone: starts a worker (`subject`: the sms-relay worker through `startWorker`;
 * `baseline`: a bare BullMQ Worker posting with undici), waits until the pre-enqueued jobs are
 * finished, and reports the time and the process's memory to its parent over IPC.
 *
 * Argument: JSON of {@link RoundSettings}.
 */
import { DEFAULT_PREFIX, SMS_QUEUE } from "@sms-relay/producer";
import { parseWorkerEnv, startWorker } from "@sms-relay/worker";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { createRawSender } from "./raw-send.mjs";

/**
 * @typedef {object} RoundSettings
 * @property {"baseline" | "subject"} mode
 * @property {string} redisUrl
 * @property {string} sandboxUrl
 * @property {string} token bearer token for the baseline
 * @property {number} [concurrency] jobs in flight; unset: the worker's default (the bare worker needs it)
 * @property {number} expected jobs waiting in the queue
 * @property {number} timeoutMs
 * @property {Record<string, string>} [env] more worker variables for the subject
 */

/**
 * @typedef {object} RoundResult
 * @property {number} elapsedMs from starting the worker until every job was finished
 * @property {number} completed
 * @property {number} failed
 * @property {number} rssBeforeBytes before the worker was built
 * @property {number} rssPeakBytes highest sample while it ran
 * @property {number} cpuMs CPU time (user + system) of this process while the worker ran
 */

const POLL_MS = 20;

/** @type {RoundSettings} */
const settings = JSON.parse(process.argv[2] ?? "{}");

/** @returns {Promise<() => Promise<void>>} starts the worker; resolves with its close */
async function startSubject() {
  const config = parseWorkerEnv({
    REDIS_URL: settings.redisUrl,
    KPN_BASE_URL: settings.sandboxUrl,
    KPN_CLIENT_ID: "sandbox",
    KPN_CLIENT_SECRET: "sandbox",
    ...(settings.concurrency === undefined
      ? {}
      : { WORKER_CONCURRENCY: String(settings.concurrency) }),
    HEALTH_PORT: "0",
    LOG_LEVEL: "silent",
    ...settings.env,
  });
  const running = await startWorker({ config, healthHost: "127.0.0.1" });
  return () => running.close();
}

/** @returns {Promise<() => Promise<void>>} */
async function startBaseline() {
  const concurrency = settings.concurrency ?? 50;
  const sender = createRawSender({
    baseUrl: settings.sandboxUrl,
    token: settings.token,
    // One connection per job in flight: each job's request goes out at once.
    connections: concurrency,
  });
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    SMS_QUEUE,
    async (
      /** @type {import("bullmq").Job<{ to: string, content: string, sender: string }>} */ job,
    ) => {
      const documentId = await sender.send(job.data.to, job.data.content, job.data.sender);
      return { documentIds: [documentId] };
    },
    { connection, prefix: DEFAULT_PREFIX, concurrency },
  );
  return async () => {
    await worker.close();
    await sender.close();
    connection.disconnect();
  };
}

const countingConnection = new Redis(settings.redisUrl);
const counter = new Queue(SMS_QUEUE, { connection: countingConnection, prefix: DEFAULT_PREFIX });
await counter.waitUntilReady();

const rssBeforeBytes = process.memoryUsage().rss;
let rssPeakBytes = rssBeforeBytes;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const close = settings.mode === "subject" ? await startSubject() : await startBaseline();
let counts = { completed: 0, failed: 0 };
for (;;) {
  rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage().rss);
  const raw = await counter.getJobCounts("completed", "failed");
  counts = { completed: raw.completed ?? 0, failed: raw.failed ?? 0 };
  if (counts.completed + counts.failed >= settings.expected) break;
  if (performance.now() - started > settings.timeoutMs) break;
  await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage().rss);
await close();
await counter.close();
countingConnection.disconnect();

/** @type {RoundResult} */
const result = { elapsedMs, ...counts, rssBeforeBytes, rssPeakBytes, cpuMs };
process.send?.(result, () => process.exit(0));
