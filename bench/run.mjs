/**
 * Runs the benchmarks and reports each subject against its baseline from the same run: a table
 * on stdout and `results/latest.json`. Exits 0 when every benchmark ran, whether or not targets
 * were met, and 1 when one crashed.
 *
 * Usage: node bench/run.mjs [--rounds 5] [--only sms,kpn-client,producer,worker,receipts,rate-limit]
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startRedisServer } from "@sms-relay/testing";
import { benchBatchSizeChart } from "./benchmarks/batch-size-chart.mjs";
import { benchBatching } from "./benchmarks/batching.mjs";
import { benchInFlightMemory } from "./benchmarks/in-flight-memory.mjs";
import { benchKpnClientThroughput } from "./benchmarks/kpn-client-throughput.mjs";
import { benchProducerEnqueue } from "./benchmarks/producer-enqueue.mjs";
import { benchRateLimit } from "./benchmarks/rate-limit.mjs";
import { benchReceiptsIngest } from "./benchmarks/receipts-ingest.mjs";
import { benchSmsPlanning } from "./benchmarks/sms-planning.mjs";
import { benchWorkerThroughput } from "./benchmarks/worker-throughput.mjs";
import { formatTable, verdictOfRow, writeJsonReport } from "./lib/report.mjs";
import { startSandboxChild } from "./lib/sandbox-child.mjs";

const RESULTS_PATH = fileURLToPath(new URL("./results/latest.json", import.meta.url));
/** A benchmark that takes longer than this is stuck, not slow. */
const BENCHMARK_TIMEOUT_MS = 600_000;

/**
 * @typedef {object} BenchContext
 * @property {number} rounds
 * @property {string} redisUrl a private redis-server, flushed freely
 * @property {import("./lib/sandbox-child.mjs").SandboxChild} sandbox
 */

/** @type {Record<string, (context: BenchContext) => Promise<import("./lib/report.mjs").BenchmarkRow[]>>} */
const BENCHMARKS = {
  sms: benchSmsPlanning,
  "kpn-client": benchKpnClientThroughput,
  producer: benchProducerEnqueue,
  worker: benchWorkerThroughput,
  receipts: benchReceiptsIngest,
  "rate-limit": benchRateLimit,
  batching: benchBatching,
  "batch-chart": benchBatchSizeChart,
  "in-flight-memory": benchInFlightMemory,
};

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, only: { type: "string" } },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(
    `--rounds must be a whole number of at least 1, got ${JSON.stringify(values.rounds)}`,
  );
  process.exit(2);
}
const selected = values.only
  ? values.only.split(",").map((name) => name.trim())
  : Object.keys(BENCHMARKS);
const unknown = selected.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`,
  );
  process.exit(2);
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {string} name
 * @returns {Promise<T>}
 */
function withTimeout(promise, name) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not finish within ${BENCHMARK_TIMEOUT_MS / 1000} s`)),
      BENCHMARK_TIMEOUT_MS,
    );
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() =>
    clearTimeout(timer),
  );
}

const startedAt = new Date();
const conditions = {
  startedAt: startedAt.toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: availableParallelism(),
  loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  rounds,
};
console.error(
  `sms-relay benchmarks: ${selected.join(", ")}; ${rounds} rounds each; node ${conditions.node}, ${conditions.cores} cores, load ${conditions.loadAverageAtStart.join(" ")}`,
);

/** @type {Array<import("./lib/report.mjs").BenchmarkRow | import("./lib/report.mjs").CrashedBenchmark>} */
const rows = [];
/** @type {import("@sms-relay/testing").TestRedis} */
let redis;
/** @type {import("./lib/sandbox-child.mjs").SandboxChild} */
let sandbox;
try {
  redis = await startRedisServer();
} catch (error) {
  console.error(
    `the benchmarks need redis-server on PATH (apt-get install redis-server, brew install redis): ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
try {
  sandbox = await startSandboxChild();
} catch (error) {
  await redis.close();
  console.error(
    `could not start the KPN sandbox: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
try {
  for (const name of selected) {
    const bench =
      /** @type {(context: BenchContext) => Promise<import("./lib/report.mjs").BenchmarkRow[]>} */ (
        BENCHMARKS[name]
      );
    const began = performance.now();
    try {
      rows.push(...(await withTimeout(bench({ rounds, redisUrl: redis.url, sandbox }), name)));
      console.error(`  ${name}: done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push({ name, error: message });
      console.error(`  ${name}: CRASHED: ${message}`);
    }
  }
} finally {
  await sandbox.close();
  await redis.close();
}

const durationS = Number(((Date.now() - startedAt.getTime()) / 1000).toFixed(1));
console.log(formatTable(rows));
console.log(
  `\nratio = subject speed / baseline speed, median of ${rounds} paired rounds (1.00 = as fast as the baseline). ${durationS} s in all.`,
);
await writeJsonReport(RESULTS_PATH, {
  ...conditions,
  durationS,
  results: rows.map((row) => ({ ...row, verdict: verdictOfRow(row) })),
});
console.error(`results written to bench/results/latest.json`);
process.exit(rows.some((row) => "error" in row) ? 1 : 0);
