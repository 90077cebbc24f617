import { startRedisServer, type TestRedis } from "@sms-relay/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEAD_LETTER_JOB_NAME,
  DEAD_LETTER_QUEUE,
  deadLetterJobOptions,
  PRODUCER_DEFAULTS,
  SmsProducer,
  type SmsProducerError,
  type SmsProducerOptions,
} from "../src/index.js";

// A server of its own: CLIENT PAUSE stops every client of it, and it needs a password here.
const password = "pause-test-secret";
let redis: TestRedis;
let admin: Redis;
let url: string;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
  await admin.config("SET", "requirepass", password);
  await admin.auth(password);
  url = `redis://:${password}@127.0.0.1:${redis.port}`;
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  admin?.disconnect();
  await redis?.close();
});

const TIMEOUT_MS = 400;
const input = { to: "0612345678", content: "Hallo!", sender: "MyShop" };

function producer(options: Partial<SmsProducerOptions> = {}): { sms: SmsProducer; prefix: string } {
  const prefix = redis.uniquePrefix("hang");
  const sms = new SmsProducer({
    connection: url,
    prefix,
    operationTimeoutMs: TIMEOUT_MS,
    ...options,
  });
  closers.push(() => sms.close());
  return { sms, prefix };
}

/** The error a call fails with and how long it took to fail. */
async function timed(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await call().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { error, ms: performance.now() - started };
}

function expectUnavailable(error: unknown, what: RegExp): void {
  const failure = error as SmsProducerError;
  expect(failure?.code).toBe("SMS_QUEUE_UNAVAILABLE");
  expect(failure.message).toMatch(what);
  expect(failure.message).not.toContain("\n");
  expect(failure.message).not.toContain(password);
}

/** Pauses writes (scripts included) until {@link unpause}; 20 s if a test forgets to. */
async function pauseWrites(): Promise<void> {
  await admin.call("CLIENT", "PAUSE", "20000", "WRITE");
}

async function unpause(): Promise<void> {
  await admin.call("CLIENT", "UNPAUSE");
}

function timerCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
}

describe("a Redis that does not answer", () => {
  it("has a default operation timeout of a few seconds", () => {
    expect(PRODUCER_DEFAULTS.operationTimeoutMs).toBeGreaterThanOrEqual(1_000);
    expect(PRODUCER_DEFAULTS.operationTimeoutMs).toBeLessThanOrEqual(10_000);
  });

  it("fails a send within operationTimeoutMs, and the same key then dedupes", async () => {
    const { sms } = producer();
    await sms.send(input); // connected and ready
    await pauseWrites();
    let outcome: { error: unknown; ms: number };
    try {
      outcome = await timed(() => sms.send({ ...input, idempotencyKey: "paused-order-1" }));
    } finally {
      await unpause();
    }
    expectUnavailable(outcome.error, /^could not enqueue an SMS: .*within 400 ms$/);
    expect(outcome.ms).toBeLessThan(TIMEOUT_MS + 1_500);

    // The add was held by Redis, not lost: it lands once Redis answers, so a retry dedupes.
    const retry = await sms.send({ ...input, idempotencyKey: "paused-order-1" });
    expect(retry.deduplicated).toBe(true);
  });

  it("bounds sendMany, status, every dead-letter call and close", async () => {
    const { sms, prefix } = producer();
    const { id } = await sms.send(input);
    const { sms: closing } = producer();
    await closing.send(input);
    const records = new Queue(DEAD_LETTER_QUEUE, { connection: admin, prefix });
    closers.push(() => records.close());
    await records.add(
      DEAD_LETTER_JOB_NAME,
      { v: 1, jobId: "dead-1", message: {}, reason: "invalid", error: { message: "x" } },
      deadLetterJobOptions("dead-1"),
    );

    // ALL pauses reads too; it ends by itself, since UNPAUSE would be paused as well.
    await admin.call("CLIENT", "PAUSE", "2500", "ALL");
    const calls: Record<string, [() => Promise<unknown>, RegExp]> = {
      sendMany: [() => sms.sendMany([input, input]), /^could not enqueue 2 SMS: /],
      status: [() => sms.status(id), /^could not read the status of an SMS: /],
      list: [() => sms.deadLetters.list(), /^could not list dead letters: /],
      count: [() => sms.deadLetters.count(), /^could not count dead letters: /],
      get: [() => sms.deadLetters.get("dead-1"), /^could not read a dead letter: /],
      redrive: [() => sms.deadLetters.redrive(["dead-1"]), /^could not redrive dead letter /],
      redriveAll: [() => sms.deadLetters.redrive("all"), /^could not list dead letters: /],
      purge: [() => sms.deadLetters.purge(["dead-1"]), /^could not purge dead letters: /],
    };
    const closedInTime = timed(() => closing.close());
    const outcomes = await Promise.all(
      Object.entries(calls).map(async ([name, [call, says]]) => ({
        name,
        says,
        ...(await timed(call)),
      })),
    );
    const closed = await closedInTime;
    expect(closed.error).toBeUndefined();
    expect(closed.ms).toBeLessThan(TIMEOUT_MS + 1_500);
    for (const { name, says, error, ms } of outcomes) {
      expect({ name, failedInTime: ms < TIMEOUT_MS + 1_500 }).toEqual({ name, failedInTime: true });
      expectUnavailable(error, says);
    }
    // Wait the pause out, so the next test starts on an answering Redis.
    await admin.ping();
  });

  it("leaves no timer running once a call is done", async () => {
    const { sms } = producer({ operationTimeoutMs: 60_000 });
    await sms.send(input);
    const before = timerCount();
    for (let index = 0; index < 20; index += 1) {
      await sms.send(input);
      await sms.status("nope");
    }
    await sms.sendMany([input, input]);
    await sms.deadLetters.count();
    expect(timerCount()).toBeLessThanOrEqual(before);
  });
});

describe("a Redis that is down", () => {
  it("fails calls at once, not after a timeout, and recovers", async () => {
    const own = await startRedisServer();
    closers.push(() => own.close());
    const sms = new SmsProducer({ connection: own.url, operationTimeoutMs: 10_000 });
    closers.push(() => sms.close());
    await sms.send(input);
    await own.stop({ hard: true });

    for (const call of [
      () => sms.send(input),
      () => sms.status("x"),
      () => sms.deadLetters.count(),
    ]) {
      const { error, ms } = await timed(call);
      expect((error as SmsProducerError)?.code).toBe("SMS_QUEUE_UNAVAILABLE");
      expect(ms).toBeLessThan(1_000);
    }
  });

  it("fails at once with a handed-in client that would queue commands while offline", async () => {
    const own = await startRedisServer();
    closers.push(() => own.close());
    const client = new Redis(own.url); // enableOfflineQueue is on by default
    client.on("error", () => {});
    closers.push(async () => client.disconnect());
    const sms = new SmsProducer({ connection: client, operationTimeoutMs: 10_000 });
    closers.push(() => sms.close());
    await sms.send(input);
    await own.stop({ hard: true });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const { error, ms } = await timed(() => sms.send(input));
    expect((error as SmsProducerError)?.code).toBe("SMS_QUEUE_UNAVAILABLE");
    expect((error as SmsProducerError).message).toMatch(
      /^could not enqueue an SMS: Redis is unreachable/,
    );
    expect(ms).toBeLessThan(1_000);
  });
});
