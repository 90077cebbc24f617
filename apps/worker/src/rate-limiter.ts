import { randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

/**
 * Admits a request when fewer than `limit` were admitted within the last window, using Redis's
 * clock so that every worker process agrees. Returns 0 when admitted, else the milliseconds
 * until the oldest admission leaves the window.
 */
const SLIDING_WINDOW_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local windowUs = tonumber(ARGV[2])
local member = ARGV[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - windowUs)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(windowUs / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local waitUs = tonumber(oldest[2]) + windowUs - now
return math.max(1, math.ceil(waitUs / 1000))
`;

/** Thrown by {@link RateLimiter.acquire} when its signal aborts the wait. */
export class RateLimitWaitAbortedError extends Error {
  override readonly name = "RateLimitWaitAbortedError";
  readonly code = "RATE_LIMIT_WAIT_ABORTED";
}

/** Shapes API requests across every worker process sharing one Redis. */
export interface RateLimiter {
  /** Resolves when a request may go out now; waits (without polling hard) while the window is full. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Redis connection shared with the worker (a Cluster works too). */
  redis: Redis | Cluster;
  /** Key of the sorted set; give it the queue's hash tag on a cluster. */
  key: string;
  /** Requests allowed in any window (`SMS_RATE_LIMIT_PER_SECOND`); 0 turns the limiter off. */
  limit: number;
  /** Length of the window. @default 1000 */
  windowMs?: number;
  /**
   * Added to the window so that jitter between here and the API cannot squeeze `limit + 1`
   * requests into one second as the API measures it.
   * @default 50
   */
  safetyMarginMs?: number;
}

type RedisWithScript = (Redis | Cluster) & {
  smsSlidingWindow(key: string, limit: number, windowUs: number, member: string): Promise<number>;
};

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new RateLimitWaitAbortedError("rate limit wait aborted"));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RateLimitWaitAbortedError("rate limit wait aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A sliding-window limiter in Redis (BullMQ's own limiter counts fixed windows, which lets up to
 * twice the limit through around a window's edge).
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { redis, key, limit, windowMs = 1000, safetyMarginMs = 50 } = options;
  if (limit <= 0) return { acquire: async () => {} };
  if (!("smsSlidingWindow" in redis)) {
    redis.defineCommand("smsSlidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW_SCRIPT });
  }
  const client = redis as RedisWithScript;
  const windowUs = (windowMs + safetyMarginMs) * 1000;
  const owner = randomUUID();
  let sequence = 0;

  async function admit(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new RateLimitWaitAbortedError("rate limit wait aborted");
      sequence += 1;
      const waitMs = Number(
        await client.smsSlidingWindow(key, limit, windowUs, `${owner}:${sequence}`),
      );
      if (waitMs <= 0) return;
      await sleep(waitMs, signal);
    }
  }

  // Requests of this process queue up locally, so that only one of them at a time asks Redis:
  // fifty jobs waiting for a full window would otherwise all poll at the same moment.
  let line: Promise<void> = Promise.resolve();

  return {
    async acquire(signal) {
      const before = line;
      let leave = () => {};
      line = new Promise<void>((resolve) => {
        leave = resolve;
      });
      try {
        const aborted = abortWatch(signal);
        try {
          await Promise.race([before, aborted.promise]);
        } finally {
          aborted.dispose();
        }
        await admit(signal);
      } finally {
        // Leaving early (aborted) must not let the next one overtake the one still ahead.
        before.then(leave, leave);
      }
    },
  };
}

function abortWatch(signal: AbortSignal | undefined): {
  promise: Promise<never>;
  dispose: () => void;
} {
  let dispose = () => {};
  const promise = new Promise<never>((_, reject) => {
    if (!signal) return;
    const fail = () => reject(new RateLimitWaitAbortedError("rate limit wait aborted"));
    if (signal.aborted) {
      fail();
      return;
    }
    signal.addEventListener("abort", fail, { once: true });
    dispose = () => signal.removeEventListener("abort", fail);
  });
  return { promise, dispose };
}
