/**
 * One round of the in-flight memory benchmark, in a fresh process started with `--expose-gc`:
 * starts the worker against an API that answers after 8 s, so that every job it takes stays in
 * flight, waits until `jobs` are active, and reports the heap after a full collection to its
 * parent over IPC.
 *
 * Argument: JSON of `{ redisUrl, sandboxUrl, jobs, batchSize }`.
 */
import { DEFAULT_PREFIX, SMS_QUEUE } from "@sms-relay/producer";
import { parseWorkerEnv, startWorker } from "@sms-relay/worker";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

const { redisUrl, sandboxUrl, jobs, batchSize } = JSON.parse(process.argv[2] ?? "{}");
const collect = /** @type {() => void} */ (globalThis.gc);
const connection = new Redis(redisUrl);
const counter = new Queue(SMS_QUEUE, { connection, prefix: DEFAULT_PREFIX });
const config = parseWorkerEnv({
  REDIS_URL: redisUrl,
  KPN_BASE_URL: sandboxUrl,
  KPN_CLIENT_ID: "sandbox",
  KPN_CLIENT_SECRET: "sandbox",
  KPN_TIMEOUT_MS: "30000",
  HEALTH_PORT: "0",
  LOG_LEVEL: "silent",
  SMS_BATCH_SIZE: String(batchSize),
  WORKER_CONCURRENCY: String(Math.max(jobs, 1)),
});
const running = await startWorker({ config, healthHost: "127.0.0.1" });
const deadline = Date.now() + 20_000;
let active = 0;
while (Date.now() < deadline) {
  active = (await counter.getJobCounts("active")).active ?? 0;
  if (active >= jobs) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
// Let the requests go out and settle into waiting for their answers.
await new Promise((resolve) => setTimeout(resolve, 1000));
collect();
collect();
const heapUsed = process.memoryUsage().heapUsed;
process.send?.({ active, heapUsed }, () => process.exit(0));
void running;
