import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import {
  DEAD_LETTER_QUEUE,
  SMS_QUEUE,
  SmsProducer,
  type SmsProducerOptions,
} from "../src/index.js";

/** One Redis per test file; each producer gets a prefix of its own so tests stay apart. */
export function useRedis() {
  let redis: TestRedis | undefined;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await redis?.close();
  });

  function server(): TestRedis {
    if (!redis) throw new Error("Redis is not started yet");
    return redis;
  }

  function onCleanup(close: () => Promise<unknown>): void {
    closers.push(close);
  }

  /** A producer on a fresh prefix, closed after the file. */
  function producer(options: Partial<SmsProducerOptions> = {}): {
    sms: SmsProducer;
    prefix: string;
  } {
    const prefix = options.prefix ?? server().uniquePrefix("producer");
    const sms = new SmsProducer({ connection: server().url, ...options, prefix });
    onCleanup(() => sms.close());
    return { sms, prefix };
  }

  /** Plain BullMQ queues on a prefix, to look at what the producer stored. */
  function queues(prefix: string): { sms: Queue; deadLetters: Queue } {
    const connection = new Redis(server().url);
    const sms = new Queue(SMS_QUEUE, { connection, prefix });
    const deadLetters = new Queue(DEAD_LETTER_QUEUE, { connection, prefix });
    onCleanup(async () => {
      await sms.close();
      await deadLetters.close();
      await connection.quit();
    });
    return { sms, deadLetters };
  }

  /** Every job on the queue, whatever its state. */
  async function jobCount(queue: Queue): Promise<number> {
    const counts = await queue.getJobCounts();
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  return { server, onCleanup, producer, queues, jobCount };
}
