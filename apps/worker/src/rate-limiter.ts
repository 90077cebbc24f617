import { randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

/**
 * Takes a slot when fewer than `limit` are held, using Redis's clock so that every worker process
 * agrees. A new slot is scored "in flight until now + hold"; releasing it rescores it with the
 * release time, and it leaves the window one window length after its score. Returns 0 when a slot
 * was taken, else the milliseconds worth waiting before asking again.
 */
const ACQUIRE_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local windowUs = tonumber(ARGV[2])
local holdUs = tonumber(ARGV[3])
local member = ARGV[4]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - windowUs)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now + holdUs, member)
  redis.call('PEXPIRE', key, math.ceil((holdUs + windowUs) / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local waitUs = math.min(tonumber(oldest[2]) + windowUs - now, windowUs)
return math.max(1, math.ceil(waitUs / 1000))
`;

/** Marks a slot as done at Redis's current time, if it is still there. */
const RELEASE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 1
`;

/** Thrown by {@link RateLimiter.acquire} when its signal aborts the wait. */
export class RateLimitWaitAbortedError extends Error {
  override readonly name = "RateLimitWaitAbortedError";
  readonly code = "RATE_LIMIT_WAIT_ABORTED";
}

/** A slot for one API request; release it once the answer (or the failure) is in. */
export interface RateLimitPermit {
  release(): Promise<void>;
}

/** Shapes API requests across every worker process sharing one Redis. */
export interface RateLimiter {
  /** Resolves with a permit when a request may go out now; waits while the window is full. */
  acquire(signal?: AbortSignal): Promise<RateLimitPermit>;
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
  /** Added to the window against clock granularity. @default 10 */
  safetyMarginMs?: number;
  /**
   * Longest a permit counts as in flight when it is never released (a crashed process); longer
   * than any request can take.
   * @default 60000
   */
  maxHoldMs?: number;
}

const NO_LIMIT: RateLimiter = { acquire: async () => ({ release: async () => {} }) };

type RedisWithScripts = (Redis | Cluster) & {
  smsRateAcquire(
    key: string,
    limit: number,
    windowUs: number,
    holdUs: number,
    member: string,
  ): Promise<number>;
  smsRateRelease(key: string, member: string): Promise<number>;
};

/**
 * A sliding-window limiter in Redis, measured as the API sees it. BullMQ's own limiter counts
 * fixed windows (up to twice the limit around a window's edge), and counting only when requests
 * start is not enough either: a request that waits in a busy process (a first connection, a token
 * fetch, a pause of the event loop) arrives late, together with the next ones. So a slot counts
 * from the moment it is taken until one window after the answer came back, which is after the
 * request reached the API whatever happened on the way.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { redis, key, limit, windowMs = 1000, safetyMarginMs = 10, maxHoldMs = 60_000 } = options;
  if (limit <= 0) return NO_LIMIT;
  if (!("smsRateAcquire" in redis)) {
    redis.defineCommand("smsRateAcquire", { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    redis.defineCommand("smsRateRelease", { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  }
  const client = redis as RedisWithScripts;
  const windowUs = (windowMs + safetyMarginMs) * 1000;
  const holdUs = maxHoldMs * 1000;
  const owner = randomUUID();
  let sequence = 0;

  async function take(signal: AbortSignal | undefined): Promise<RateLimitPermit> {
    for (;;) {
      if (signal?.aborted) throw new RateLimitWaitAbortedError("rate limit wait aborted");
      sequence += 1;
      const member = `${owner}:${sequence}`;
      const waitMs = Number(await client.smsRateAcquire(key, limit, windowUs, holdUs, member));
      if (waitMs <= 0) {
        let released = false;
        return {
          async release() {
            if (released) return;
            released = true;
            await client.smsRateRelease(key, member);
          },
        };
      }
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
        return await take(signal);
      } finally {
        // Leaving early (aborted) must not let the next one overtake the one still ahead.
        before.then(leave, leave);
      }
    },
  };
}

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
