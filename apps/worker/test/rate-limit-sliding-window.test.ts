import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter, RateLimitWaitAbortedError } from "../src/rate-limiter.js";

let redis: TestRedis;
const clients: Redis[] = [];

function client(): Redis {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  clients.push(connection);
  return connection;
}

/** The most admissions that fall within any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  for (const connection of clients) connection.disconnect();
  await redis.close();
});

describe("sliding-window rate limiter", () => {
  it("lets no more than the limit through in any second, across processes", async () => {
    const key = `${redis.uniquePrefix("rl")}:send-window`;
    const a = createRateLimiter({ redis: client(), key, limit: 4 });
    const b = createRateLimiter({ redis: client(), key, limit: 4 });
    const admitted: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const permit = await (index % 2 === 0 ? a : b).acquire();
        admitted.push(performance.now());
        await permit.release();
      }),
    );
    expect(admitted).toHaveLength(12);
    expect(busiestWindow(admitted, 1000)).toBeLessThanOrEqual(4);
  });

  it("counts a slot whose write was not reported until one window after its release", async () => {
    const key = `${redis.uniquePrefix("rl")}:send-window`;
    const limiter = createRateLimiter({ redis: client(), key, limit: 1, windowMs: 300 });
    const slow = await limiter.acquire();
    let secondAt = 0;
    const second = limiter.acquire().then(() => {
      secondAt = performance.now();
    });
    await sleep(500);
    expect(secondAt).toBe(0);
    const releasedAt = performance.now();
    await slow.release();
    await second;
    expect(secondAt - releasedAt).toBeGreaterThanOrEqual(250);
  });

  it("counts a written request until one window and the jitter after its write, however long its answer takes", async () => {
    const key = `${redis.uniquePrefix("rl")}:send-window`;
    const limiter = createRateLimiter({
      redis: client(),
      key,
      limit: 1,
      windowMs: 300,
      networkJitterMs: 50,
    });
    const slow = await limiter.acquire();
    await sleep(100);
    const writtenAt = performance.now();
    slow.sent();
    const secondAt = await limiter.acquire().then(() => performance.now());
    // 300 ms window + 10 ms margin + 50 ms jitter after the write; the answer is not in yet.
    expect(secondAt - writtenAt).toBeGreaterThanOrEqual(355);
    expect(secondAt - writtenAt).toBeLessThan(600);
    await slow.release();
  });

  it("counts a request written again from its last write", async () => {
    const key = `${redis.uniquePrefix("rl")}:send-window`;
    const limiter = createRateLimiter({ redis: client(), key, limit: 1, windowMs: 300 });
    const permit = await limiter.acquire();
    permit.sent();
    await sleep(250);
    const rewrittenAt = performance.now();
    permit.sent();
    const secondAt = await limiter.acquire().then(() => performance.now());
    expect(secondAt - rewrittenAt).toBeGreaterThanOrEqual(355);
    await permit.release();
  });

  it("frees the slots of a process that died: a window after their write, or after maxHoldMs", async () => {
    const key = `${redis.uniquePrefix("rl")}:send-window`;
    const doomedConnection = client();
    const doomed = createRateLimiter({
      redis: doomedConnection,
      key,
      limit: 2,
      windowMs: 300,
      maxHoldMs: 1000,
    });
    const started = performance.now();
    const written = await doomed.acquire();
    await doomed.acquire();
    written.sent();
    await sleep(20);
    // Killed mid-send: neither permit is ever released.
    doomedConnection.disconnect();
    const survivor = createRateLimiter({
      redis: client(),
      key,
      limit: 2,
      windowMs: 300,
      maxHoldMs: 1000,
    });
    const firstAt = await survivor.acquire().then(() => performance.now() - started);
    const secondAt = await survivor.acquire().then(() => performance.now() - started);
    // The written one: 300 + 10 + 50 ms after its write. The other: 1000 ms in flight, then a window.
    expect(firstAt).toBeGreaterThanOrEqual(355);
    expect(firstAt).toBeLessThan(700);
    expect(secondAt).toBeGreaterThanOrEqual(1300);
    expect(secondAt).toBeLessThan(1800);
  });

  it("does nothing when the limit is 0", async () => {
    const limiter = createRateLimiter({ redis: client(), key: "unused", limit: 0 });
    await Promise.all(Array.from({ length: 100 }, () => limiter.acquire()));
  });

  it("gives up waiting when its signal aborts", async () => {
    const key = `${redis.uniquePrefix("rl")}:send-window`;
    const limiter = createRateLimiter({ redis: client(), key, limit: 1, windowMs: 60_000 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const behind = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(RateLimitWaitAbortedError);
    await expect(behind).rejects.toBeInstanceOf(RateLimitWaitAbortedError);
  });
});
