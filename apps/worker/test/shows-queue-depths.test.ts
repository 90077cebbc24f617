import { SMS_JOB_NAME } from "@sms-relay/producer";
import { waitFor } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { readMetric } from "./support/prometheus.js";
import { type Stack, useWorkerStack } from "./support/stack.js";

const stacks = useWorkerStack();

async function scrape(stack: Stack): Promise<string> {
  const response = await fetch(`${stack.worker.healthUrl}/metrics`);
  expect(response.status).toBe(200);
  return await response.text();
}

/** Polls `/metrics` until `check` holds for it; returns that exposition. */
async function scrapeUntil(
  stack: Stack,
  check: (text: string) => boolean,
  description: string,
): Promise<string> {
  return await waitFor(
    async () => {
      const text = await scrape(stack);
      return check(text) ? text : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 50, description },
  );
}

const jobs = (text: string, state: string) => readMetric(text, "sms_queue_jobs", { state });

it("shows the real numbers of waiting, delayed, active, failed and dead-lettered SMS", async () => {
  const stack = await stacks.start({ label: "depths", queueStatsIntervalMs: 100 });

  // Two jobs the worker cannot send: dead-lettered as invalid, and left failed on the queue.
  const options = (jobId: string) => ({ jobId, attempts: 3 });
  await stack.sms.add(SMS_JOB_NAME, { v: 1, to: "not a number", content: "x" }, options("bad-1"));
  await stack.sms.add(SMS_JOB_NAME, { v: 1, content: "no recipient" }, options("bad-2"));
  let text = await scrapeUntil(
    stack,
    (t) => jobs(t, "failed") === 2 && readMetric(t, "sms_dead_letter_jobs") === 2,
    "2 failed and 2 dead letters",
  );
  expect(await stack.deadLetters.getJobCountByTypes("waiting")).toBe(2);

  // One SMS in flight for a while: active on the queue.
  stack.api.sandbox.setFaults({ latencyMs: 1500 });
  await stack.producer.send({ to: "0612345678", content: "onderweg" });
  text = await scrapeUntil(stack, (t) => jobs(t, "active") === 1, "1 active");
  text = await scrapeUntil(stack, (t) => readMetric(t, "sms_sent_total") === 1, "1 sent");
  // Its time from enqueue to sent holds the API's 1.5 s.
  expect(readMetric(text, "sms_enqueue_to_sent_seconds_count")).toBe(1);
  expect(readMetric(text, "sms_enqueue_to_sent_seconds_sum")).toBeGreaterThanOrEqual(1.5);
  expect(readMetric(text, "sms_enqueue_to_sent_seconds_sum")).toBeLessThan(10);
  stack.api.sandbox.setFaults({});

  // The queue paused for a few seconds (as after a 429): what is added waits.
  await stack.sms.rateLimit(5000);
  const firstAdded = Date.now();
  for (const n of [1, 2, 3]) await stack.producer.send({ to: `061234567${n}`, content: "wacht" });
  for (const n of [4, 5]) {
    await stack.producer.send({ to: `061234567${n}`, content: "later", delayMs: 60_000 });
  }
  text = await scrapeUntil(
    stack,
    (t) => jobs(t, "waiting") === 3 && jobs(t, "delayed") === 2,
    "3 waiting and 2 delayed",
  );
  expect(jobs(text, "active")).toBe(0);
  expect(jobs(text, "failed")).toBe(2);
  expect(readMetric(text, "sms_dead_letter_jobs")).toBe(2);
  expect(readMetric(text, "sms_queue_paused")).toBe(1);
  expect(await stack.sms.getWaitingCount()).toBe(3);
  expect(await stack.sms.getDelayedCount()).toBe(2);

  // The first in line is the first added; its age grows while it waits.
  const before = readMetric(text, "sms_queue_oldest_waiting_seconds");
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThanOrEqual((Date.now() - firstAdded) / 1000 + 0.1);
  await new Promise((resolve) => setTimeout(resolve, 1200));
  text = await scrape(stack);
  const after = readMetric(text, "sms_queue_oldest_waiting_seconds");
  expect(after).toBeGreaterThanOrEqual(before + 1);
  expect(after).toBeLessThanOrEqual((Date.now() - firstAdded) / 1000 + 0.1);

  // Once the pause is over the waiting SMS go, and the queue shows it.
  text = await scrapeUntil(
    stack,
    (t) => jobs(t, "waiting") === 0 && readMetric(t, "sms_sent_total") === 4,
    "the waiting SMS sent",
  );
  expect(readMetric(text, "sms_queue_paused")).toBe(0);
  expect(readMetric(text, "sms_queue_oldest_waiting_seconds")).toBe(0);
  expect(readMetric(text, "sms_enqueue_to_sent_seconds_count")).toBe(4);
  expect(jobs(text, "delayed")).toBe(2);
});

it("reads the queue from Redis on its interval, never on a scrape", async () => {
  const redis = stacks.redis;
  // Every command Redis runs that names a key of the dead-letter queue: only the queue gauges'
  // refresh reads it while nothing is dead-lettered.
  const monitor = await new Redis(redis.url).monitor();
  const deadLetterReads: string[] = [];
  monitor.on("monitor", (_time: string, args: string[]) => {
    if (args.some((arg) => arg.includes(":sms-dead-letter:"))) deadLetterReads.push(args[0] ?? "");
  });
  try {
    const stack = await stacks.start({ label: "cached", queueStatsIntervalMs: 60_000 });
    await stack.sms.rateLimit(60_000);
    // The refresh at start.
    let text = await scrapeUntil(
      stack,
      (t) => readMetric(t, "sms_queue_stats_refreshed_timestamp_seconds") > 0,
      "the first refresh",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const readsAtStart = deadLetterReads.length;
    expect(readsAtStart).toBeGreaterThan(0);
    const refreshedAt = readMetric(text, "sms_queue_stats_refreshed_timestamp_seconds");
    const waiting = jobs(text, "waiting");

    // New SMS and twenty scrapes later: the same numbers, the same refresh, no read of Redis.
    await stack.producer.send({ to: "0612345678", content: "na de telling" });
    for (let i = 0; i < 20; i += 1) {
      text = await scrape(stack);
      expect(readMetric(text, "sms_queue_stats_refreshed_timestamp_seconds")).toBe(refreshedAt);
      expect(jobs(text, "waiting")).toBe(waiting);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(deadLetterReads.length).toBe(readsAtStart);
    expect(await stack.sms.getWaitingCount()).toBe(waiting + 1);
  } finally {
    monitor.disconnect();
  }
});
