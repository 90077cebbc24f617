import { newDeliveryReference } from "@sms-relay/producer";
import {
  checkMetrics,
  freePort,
  requirePromtool,
  selectMetricFamilies,
  startTestRedis,
  type TestRedis,
} from "@sms-relay/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signWebhookBody } from "../src/webhook-keys.js";
import { AT, kpnReport } from "./helpers.js";
import {
  type AppProcess,
  RECEIPTS_MAIN,
  spawnApp,
  waitUntilAnswers,
} from "./support/app-process.js";

const promtool = await requirePromtool();
const KEY_ID = "promtool-key";
const SECRET = "promtool-webhook-secret-77c1";

/** The metrics of our own code; the rest are prom-client's default process metrics. */
const ownMetric = (name: string) => name.startsWith("sms_");

let redis: TestRedis;
let receipts: AppProcess | undefined;
let url: string;

beforeAll(async () => {
  if (!promtool) return;
  redis = await startTestRedis();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  receipts = spawnApp("receipts", RECEIPTS_MAIN, {
    REDIS_URL: redis.url,
    SMS_QUEUE_PREFIX: redis.uniquePrefix("promtool"),
    RECEIPTS_PORT: String(port),
    KPN_WEBHOOK_KEYS: `${KEY_ID}:${SECRET}`,
    LOG_LEVEL: "warn",
  });
  await waitUntilAnswers(receipts, `${url}/readyz`);
});

afterAll(async () => {
  await receipts?.stop();
  await redis?.close();
});

async function post(body: string, signature = signWebhookBody(SECRET, body)): Promise<number> {
  const response = await fetch(`${url}/kpn/dlr/${newDeliveryReference()}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-kpn-webhook-key-id": KEY_ID,
      "x-kpn-webhook-signature": signature,
    },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

it.skipIf(!promtool)("serves /metrics that `promtool check metrics` accepts", async () => {
  // Reports of each kind, and a forged one, so that the labelled series exist too.
  const reports = [1, 4, 6, 2].map((status) => kpnReport({ Status: status, StatusDateTime: AT }));
  expect(await post(JSON.stringify(reports))).toBe(204);
  expect(await post(JSON.stringify(kpnReport()), "sha256=00")).toBe(401);

  const text = await (await fetch(`${url}/metrics`)).text();
  expect(text).toMatch(/sms_dlr_reports_total\{status="failed"\} 1/);
  expect(text).toMatch(/sms_relay_build_info\{version="[^"]+",node="v\d+/);

  const own = await checkMetrics(selectMetricFamilies(text, ownMetric));
  expect(own.problems).toEqual([]);
  expect(own.code).toBe(0);

  // The whole page parses; the only findings are about prom-client's own process metrics.
  const all = await checkMetrics(text);
  expect(all.stderr).not.toContain("error while linting");
  for (const problem of all.problems) expect(ownMetric(problem.metric), problem.metric).toBe(false);
});
