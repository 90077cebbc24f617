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

  it("counts a slot until one window after it is released, however long the request took", async () => {
    const key = `${redis.uniquePrefix("rl")}:send-window`;
    const limiter = createRateLimiter({ redis: client(), key, limit: 1, windowMs: 300 });
    const slow = await limiter.acquire();
    let secondAt = 0;
    const second = limiter.acquire().then(() => {
      secondAt = performance.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(secondAt).toBe(0);
    const releasedAt = performance.now();
    await slow.release();
    await second;
    expect(secondAt - releasedAt).toBeGreaterThanOrEqual(250);
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
