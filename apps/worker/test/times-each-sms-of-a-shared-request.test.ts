import { waitFor } from "@sms-relay/testing";
import { expect, it } from "vitest";
import { readMetric } from "./support/prometheus.js";
import { useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

it("times every SMS of a shared request, and counts a 429 once per request", async () => {
  const stack = await stacks.start({
    label: "batched-metrics",
    env: { SMS_BATCH_SIZE: "10", SMS_BATCH_WAIT_MS: "300" },
    faults: { rate429: 1, retryAfterSeconds: 1 },
    queueStatsIntervalMs: 100,
  });
  const scrape = async () => await (await fetch(`${stack.worker.healthUrl}/metrics`)).text();
  const { accepted } = await stack.producer.sendMany(
    [1, 2, 3, 4, 5].map((n) => ({ to: `061234567${n}`, content: `bericht ${n}` })),
  );
  expect(accepted).toHaveLength(5);

  // The 429 pauses the queue for every worker, and the gauge shows it.
  await waitFor(async () => readMetric(await scrape(), "sms_queue_paused") === 1, {
    timeoutMs: 10_000,
    intervalMs: 50,
    description: "sms_queue_paused 1 after the 429",
  });
  stack.api.sandbox.setFaults({});
  const text = await waitFor(
    async () => {
      const t = await scrape();
      return readMetric(t, "sms_sent_total") === 5 ? t : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 50, description: "5 SMS sent" },
  );

  const stats = stack.api.sandbox.stats();
  const answered429 = stats.byStatus["429"] ?? 0;
  expect(answered429).toBeGreaterThanOrEqual(1);
  // Fewer requests than SMS: they shared requests.
  expect(stats.sendRequests).toBeLessThan(5 + answered429);
  expect(stats.acceptedSms).toBe(5);
  // One observation per SMS, each covering the pause of at least a second.
  expect(readMetric(text, "sms_enqueue_to_sent_seconds_count")).toBe(5);
  expect(readMetric(text, "sms_enqueue_to_sent_seconds_bucket", { le: "0.5" })).toBe(0);
  expect(readMetric(text, "sms_enqueue_to_sent_seconds_sum")).toBeGreaterThanOrEqual(5);
  // Requests counted once each, and each 429 answer once, whatever the request carried.
  expect(readMetric(text, "kpn_request_duration_seconds_count")).toBe(stats.sendRequests);
  expect(readMetric(text, "kpn_request_duration_seconds_count", { outcome: "rate_limited" })).toBe(
    answered429,
  );
  expect(readMetric(text, "sms_rate_limited_total")).toBe(answered429);
  // Each SMS put back is a retry of its own: every SMS of a refused request counts.
  const putBack = readMetric(text, "sms_retries_total", { kind: "rate_limited" });
  expect(putBack).toBeGreaterThanOrEqual(answered429);
});
