/**
 * SMS/s against `SMS_BATCH_SIZE` at three API latencies, one worker process with the default
 * `WORKER_CONCURRENCY` for each batch size, drawn as `results/batch-size.svg` so that a batch
 * size can be picked by looking. One drain per point and round; the chart shows medians.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { SmsProducer } from "@sms-relay/producer";
import { defaultConcurrency } from "@sms-relay/worker";
import { Redis } from "ioredis";
import { startSandboxChild } from "../lib/sandbox-child.mjs";
import { compareRounds, median } from "../lib/stats.mjs";
import { lineChartSvg } from "../lib/svg-chart.mjs";
import { drainOnce, enqueue } from "./batching.mjs";

const BATCH_SIZES = [1, 10, 50, 100, 200];
const LATENCIES_MS = [0, 50, 100];
const JOBS = 3000;
// At most this many rounds per point: the chart shows a shape, and 15 points take a while.
const MAX_ROUNDS = 3;
export const CHART_PATH = fileURLToPath(new URL("../results/batch-size.svg", import.meta.url));

/**
 * @param {{ rounds: number, redisUrl: string }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchBatchSizeChart({ rounds, redisUrl }) {
  const admin = new Redis(redisUrl);
  const producer = new SmsProducer({
    connection: redisUrl,
    defaultSender: "SMSRelay",
    maxContentLength: 1000,
  });
  const sandboxes = await Promise.all(
    LATENCIES_MS.map((latencyMs) => startSandboxChild({ faults: { latencyMs } })),
  );
  const pointRounds = Math.min(rounds, MAX_ROUNDS);
  try {
    /** @type {Map<number, Map<number, number[]>>} latency → batch size → SMS/s per round */
    const rates = new Map(LATENCIES_MS.map((latency) => [latency, new Map()]));
    for (let round = 0; round < pointRounds; round++) {
      for (const [index, latency] of LATENCIES_MS.entries()) {
        const sandbox = /** @type {import("../lib/sandbox-child.mjs").SandboxChild} */ (
          sandboxes[index]
        );
        for (const batchSize of BATCH_SIZES) {
          await admin.flushall();
          await sandbox.clear();
          await enqueue(producer, JOBS);
          const { perSecond } = await drainOnce({
            redisUrl,
            sandbox,
            jobs: JOBS,
            env: { SMS_BATCH_SIZE: String(batchSize) },
          });
          const perSize = /** @type {Map<number, number[]>} */ (rates.get(latency));
          perSize.set(batchSize, [...(perSize.get(batchSize) ?? []), perSecond]);
        }
      }
    }
    const series = LATENCIES_MS.map((latency) => ({
      label: latency === 0 ? "API at once" : `API at ${latency} ms`,
      points: BATCH_SIZES.map((batchSize) => ({
        x: batchSize,
        y: median(rates.get(latency)?.get(batchSize) ?? [0]),
      })),
    }));
    await mkdir(new URL("../results/", import.meta.url), { recursive: true });
    await writeFile(
      CHART_PATH,
      lineChartSvg({
        title: `SMS/s by SMS_BATCH_SIZE (${JOBS.toLocaleString("en-US")} SMS, one worker, default concurrency)`,
        xLabel: "SMS_BATCH_SIZE (WORKER_CONCURRENCY = max(50, 4 × batch size))",
        yLabel: "SMS per second",
        series,
      }),
    );
    return LATENCIES_MS.map((latency) => {
      const perSize = rates.get(latency) ?? new Map();
      return {
        name: `batch size 200 vs 1, API at ${latency} ms`,
        unit: "SMS/s",
        ...compareRounds(perSize.get(1) ?? [], perSize.get(200) ?? [], { higherIsBetter: true }),
        details: {
          jobs: JOBS,
          latencyMs: latency,
          chart: "bench/results/batch-size.svg",
          medianPerBatchSize: Object.fromEntries(
            BATCH_SIZES.map((size) => [
              size,
              {
                concurrency: defaultConcurrency(size),
                perSecond: median(perSize.get(size) ?? [0]),
              },
            ]),
          ),
        },
      };
    });
  } finally {
    await producer.close().catch(() => {});
    admin.disconnect();
    await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
  }
}
