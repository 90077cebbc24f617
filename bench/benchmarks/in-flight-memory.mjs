/**
 * What a job in flight costs the worker's heap: the worker holds N jobs (an API that answers
 * after 8 s keeps them all in flight) against the same worker holding one, each in a fresh
 * process, after a full garbage collection. Batched (the default batch size, the jobs waiting in
 * a few requests) and with `SMS_BATCH_SIZE=1` (a request per job).
 */
import { fork } from "node:child_process";
import { SmsProducer } from "@sms-relay/producer";
import { parseWorkerEnv } from "@sms-relay/worker";
import { Redis } from "ioredis";
import { messageAt, SINGLE_REQUEST_CORPUS, typedMobileNumber } from "../lib/corpus.mjs";
import { startSandboxChild } from "../lib/sandbox-child.mjs";
import { compareRounds } from "../lib/stats.mjs";

const ROUND_SCRIPT = new URL("../lib/in-flight-memory-round.mjs", import.meta.url);
const DEFAULTS = parseWorkerEnv({ KPN_CLIENT_ID: "id", KPN_CLIENT_SECRET: "secret" });
const JOBS = DEFAULTS.concurrency;
const KB = 1024;

/**
 * @param {object} settings
 * @returns {Promise<{ active: number, heapUsed: number }>}
 */
function runRound(settings) {
  return new Promise((resolve, reject) => {
    const child = fork(ROUND_SCRIPT, [JSON.stringify(settings)], {
      execArgv: [...process.execArgv, "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    /** @type {{ active: number, heapUsed: number } | undefined} */
    let result;
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("message", (message) => {
      result = /** @type {{ active: number, heapUsed: number }} */ (message);
    });
    child.once("exit", () => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error("the in-flight memory round exited without a result"));
    });
  });
}

/**
 * @param {{ rounds: number, redisUrl: string }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchInFlightMemory({ rounds, redisUrl }) {
  const admin = new Redis(redisUrl);
  const producer = new SmsProducer({
    connection: redisUrl,
    defaultSender: "SMSRelay",
    maxContentLength: 1000,
  });
  const sandbox = await startSandboxChild({ faults: { latencyMs: 8000 } });
  const inputs = Array.from({ length: JOBS }, (_, i) => ({
    to: typedMobileNumber(i),
    content: messageAt(SINGLE_REQUEST_CORPUS, i),
  }));

  /**
   * Heap per job in flight: N jobs against one, with this batch size.
   * @param {number} batchSize
   */
  async function perJob(batchSize) {
    /** @type {number[]} */
    const heaps = [];
    for (const jobs of [1, JOBS]) {
      await admin.flushall();
      await sandbox.clear();
      await producer.sendMany(inputs.slice(0, jobs));
      const { active, heapUsed } = await runRound({
        redisUrl,
        sandboxUrl: sandbox.url,
        jobs,
        batchSize,
      });
      if (active < jobs) throw new Error(`only ${active} of ${jobs} jobs became active`);
      heaps.push(heapUsed);
    }
    return ((heaps[1] ?? 0) - (heaps[0] ?? 0)) / (JOBS - 1) / KB;
  }

  try {
    /** @type {number[]} */
    const batched = [];
    /** @type {number[]} */
    const single = [];
    for (let round = 0; round < rounds; round++) {
      batched.push(await perJob(DEFAULTS.batchSize));
      single.push(await perJob(1));
    }
    const { baseline, subject } = compareRounds(single, batched, { higherIsBetter: false });
    return [
      {
        name: "worker heap per job in flight: batched vs SMS_BATCH_SIZE=1",
        unit: "KB",
        baseline,
        subject,
        details: { jobs: JOBS, batchSize: DEFAULTS.batchSize },
      },
    ];
  } finally {
    await producer.close().catch(() => {});
    admin.disconnect();
    await sandbox.close();
  }
}
