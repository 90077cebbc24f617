import { parseReceiptsEnv, type RunningReceipts, startReceipts } from "@sms-relay/receipts";
import { createLogger } from "@sms-relay/runtime";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import {
  createLogger as createWorkerLogger,
  parseWorkerEnv,
  type RunningWorker,
  startWorker,
} from "@sms-relay/worker";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promqlNames } from "./support/promql-names.js";
import { readAlertRules, readDashboardQueries } from "./support/queries.js";

/** A metric family as the apps expose it. */
interface Family {
  type: string;
  labels: Set<string>;
}

/** Labels Prometheus adds to every scraped series, and its own `up`. */
const TARGET_LABELS = ["job", "instance"];
const PROMETHEUS_METRICS: Record<string, Family> = {
  up: { type: "gauge", labels: new Set() },
};

/**
 * The queue gauges: the one queue in Redis, reported alike by every worker. Summing them over
 * replicas counts the queue once per worker.
 */
const QUEUE_GAUGES = [
  "sms_queue_jobs",
  "sms_dead_letter_jobs",
  "sms_queue_oldest_waiting_seconds",
  "sms_queue_paused",
];

let redis: TestRedis;
let worker: RunningWorker | undefined;
let receipts: RunningReceipts | undefined;
const workerRegistry = new Registry();
const families = new Map<string, Family>(Object.entries(PROMETHEUS_METRICS));

/** The families of a `/metrics` page (`# TYPE` lines), with label names from the registry. */
async function addFamilies(url: string, registry: Registry): Promise<void> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const labelsOf = new Map(
    registry
      .getMetricsAsArray()
      .map((metric) => [metric.name, (metric as { labelNames?: string[] }).labelNames ?? []]),
  );
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const name = match[1] ?? "";
    families.set(name, { type: match[2] ?? "", labels: new Set(labelsOf.get(name) ?? []) });
  }
}

/** The family a series name reads: a histogram's `_bucket`, `_sum` and `_count` are its own. */
function familyOf(series: string): { name: string; family: Family | undefined; extra: string[] } {
  const direct = families.get(series);
  if (direct) return { name: series, family: direct, extra: [] };
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(series);
  const base = suffix ? families.get(suffix[1] ?? "") : undefined;
  if (base && ["histogram", "summary"].includes(base.type)) {
    if (suffix?.[2] === "bucket" && base.type !== "histogram")
      return { name: series, family: undefined, extra: [] };
    return { name: suffix?.[1] ?? "", family: base, extra: suffix?.[2] === "bucket" ? ["le"] : [] };
  }
  return { name: series, family: undefined, extra: [] };
}

beforeAll(async () => {
  redis = await startTestRedis();
  const prefix = redis.uniquePrefix("deploy");
  worker = await startWorker({
    config: parseWorkerEnv({
      REDIS_URL: redis.url,
      SMS_QUEUE_PREFIX: prefix,
      // Nothing is enqueued: the worker never calls the API.
      KPN_BASE_URL: "http://127.0.0.1:9",
      KPN_CLIENT_ID: "id",
      KPN_CLIENT_SECRET: "secret",
      HEALTH_PORT: "0",
    }),
    logger: createWorkerLogger("silent"),
    registry: workerRegistry,
    healthHost: "127.0.0.1",
  });
  const receiptsConfig = parseReceiptsEnv({
    REDIS_URL: redis.url,
    SMS_QUEUE_PREFIX: prefix,
    RECEIPTS_PORT: "0",
    KPN_WEBHOOK_KEYS: "deploy:deploy-webhook-secret",
  });
  receipts = await startReceipts(
    receiptsConfig,
    createLogger({ service: "receipts", level: "silent" }),
  );
  await addFamilies(worker.healthUrl, workerRegistry);
  await addFamilies(receipts.url, receipts.metrics.registry);
});

afterAll(async () => {
  await worker?.close();
  await receipts?.close();
  await redis?.close();
});

const queries = [
  ...readAlertRules().map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ...readDashboardQueries().map((query) => ({
    where: `${query.dashboard} panel "${query.panel}"`,
    expr: query.expr,
  })),
];

describe("the alerts and dashboards", () => {
  it("read only metrics that the worker and the receipts app expose, with labels they have", () => {
    expect(families.has("sms_queue_jobs")).toBe(true);
    expect(families.has("sms_dlr_reports_total")).toBe(true);
    for (const { where, expr } of queries) {
      const { selectors, groupingLabels } = promqlNames(expr);
      expect(selectors.length, `${where}: ${expr}`).toBeGreaterThan(0);
      const known = new Set([...TARGET_LABELS]);
      for (const selector of selectors) {
        const { family, extra } = familyOf(selector.metric);
        expect(family, `${where} reads ${selector.metric}, which no app exposes`).toBeDefined();
        const labels = new Set([...TARGET_LABELS, ...extra, ...(family?.labels ?? [])]);
        for (const label of [...labels]) known.add(label);
        for (const label of selector.labels) {
          expect(labels.has(label), `${where}: ${selector.metric} has no label ${label}`).toBe(
            true,
          );
        }
      }
      for (const label of groupingLabels) {
        expect(known.has(label), `${where} groups by ${label}, which its metrics lack`).toBe(true);
      }
    }
  });

  it("count each queue once: a queue gauge is only ever taken as a max over replicas", () => {
    for (const { where, expr } of queries) {
      for (const gauge of QUEUE_GAUGES) {
        for (const match of expr.matchAll(new RegExp(`\\b${gauge}\\b`, "g"))) {
          const before = expr.slice(0, match.index).trimEnd();
          expect(before, `${where}: ${gauge} must be inside max without(instance) (…)`).toMatch(
            /max (without|by) ?\([^)]*\) \($/,
          );
        }
      }
    }
  });

  it("show throughput, latency, queue depth, delivery states and dead letters", () => {
    const dashboard = readDashboardQueries()
      .map((query) => query.expr)
      .join("\n");
    for (const metric of [
      "sms_sent_total",
      "sms_enqueue_to_sent_seconds_bucket",
      "kpn_request_duration_seconds_bucket",
      "sms_queue_jobs",
      "sms_queue_oldest_waiting_seconds",
      "sms_dlr_reports_total",
      "sms_dead_letter_jobs",
      "sms_dead_lettered_total",
    ]) {
      expect(dashboard, metric).toContain(metric);
    }
  });
});
