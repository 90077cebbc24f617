import { SMS_QUEUE, SmsProducer } from "@sms-relay/producer";
import { startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bullmqListKey } from "../src/check-autoscaling.js";
import { findObject } from "../src/kubernetes-object.js";
import { renderComposition } from "../src/renderings.js";

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.close();
});

/** What KEDA's Redis scaler reads: LLEN, which fails on a key that is not a list. */
async function listLength(key: string): Promise<number> {
  const type = await client.type(key);
  if (type !== "list" && type !== "none") throw new Error(`${key} is a ${type}, not a list`);
  return client.llen(key);
}

describe("the KEDA triggers", () => {
  it("name the waiting and active lists of the sms queue for the configured prefix", async () => {
    const objects = await renderComposition(["base"], ["components/keda-autoscaling"]);
    const scaled = findObject(objects, "ScaledObject", "worker")!;
    const config = findObject(objects, "ConfigMap", "worker-config")!;
    const prefix = (config.data as Record<string, string>).SMS_QUEUE_PREFIX!;
    const lists = (scaled.spec as { triggers: Array<{ metadata: { listName: string } }> }).triggers
      .map((trigger) => trigger.metadata.listName)
      .sort();
    expect(lists).toEqual([bullmqListKey(prefix, "active"), bullmqListKey(prefix, "wait")]);
    expect(bullmqListKey("bull", "wait")).toBe(`bull:${SMS_QUEUE}:wait`);
  });

  it("count, with BullMQ itself, the SMS that wait and the SMS that workers hold", async () => {
    const prefix = redis.uniquePrefix("keda");
    const producer = new SmsProducer({ connection: redis.url, prefix });
    const release: Array<() => void> = [];
    let worker: Worker | undefined;
    try {
      for (let i = 0; i < 5; i++) {
        await producer.send({ to: `061234567${i}`, content: `bericht ${i}` });
      }
      // Before any worker: all five wait, in a list KEDA can read.
      expect(await listLength(bullmqListKey(prefix, "wait"))).toBe(5);
      expect(await listLength(bullmqListKey(prefix, "active"))).toBe(0);

      // A worker with 3 slots holds 3 (as sms-relay's worker holds WORKER_CONCURRENCY).
      worker = new Worker(SMS_QUEUE, () => new Promise<void>((resolve) => release.push(resolve)), {
        connection: { url: redis.url, maxRetriesPerRequest: null },
        prefix,
        concurrency: 3,
      });
      await waitFor(async () => (await listLength(bullmqListKey(prefix, "active"))) === 3, {
        description: "three active jobs",
      });
      expect(await listLength(bullmqListKey(prefix, "wait"))).toBe(2);

      // A priority puts an SMS in the prioritized set: neither trigger sees it while it waits.
      await producer.send({ to: "0612345680", content: "voorrang", priority: 1 });
      expect(await client.zcard(`${prefix}:${SMS_QUEUE}:prioritized`)).toBe(1);
      expect(await listLength(bullmqListKey(prefix, "wait"))).toBe(2);
    } finally {
      for (const resolve of release) resolve();
      await worker?.close(true);
      await producer.close();
    }
  });
});
