import { randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

/**
 * Takes a slot when fewer than `limit` are held, using Redis's clock so that every worker process
 * agrees. Each member's score is the moment its slot frees; a new slot is scored as in flight
 * (`inFlightUs` from now). Returns 0 when a slot was taken, else the milliseconds worth waiting
 * before asking again: until the first slot frees, at most `capUs` (an in-flight slot may be
 * rescored any moment).
 */
const ACQUIRE_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local inFlightUs = tonumber(ARGV[2])
local capUs = tonumber(ARGV[3])
local member = ARGV[4]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now + inFlightUs, member)
  redis.call('PEXPIRE', key, math.ceil(inFlightUs / 1000) + 1000)
  return 0
end
local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local waitUs = math.min(tonumber(first[2]) - now, capUs)
return math.max(1, math.ceil(waitUs / 1000))
`;

/**
 * Sets when a slot frees: Redis's current time plus `offsetUs` (negative: already free). Adds the
 * member again if it had left (a request written again after its slot ran out still counts).
 */
const SETTLE_SCRIPT = `
local key = KEYS[1]
local member = ARGV[1]
local offsetUs = tonumber(ARGV[2])
if offsetUs <= 0 then
  redis.call('ZREM', key, member)
  return 0
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZADD', key, now + offsetUs, member)
local wantMs = math.ceil(offsetUs / 1000) + 1000
if redis.call('PTTL', key) < wantMs then redis.call('PEXPIRE', key, wantMs) end
return 1
`;

/** Thrown by {@link RateLimiter.acquire} when its signal aborts the wait. */
export class RateLimitWaitAbortedError extends Error {
  override readonly name = "RateLimitWaitAbortedError";
  readonly code = "RATE_LIMIT_WAIT_ABORTED";
}

/** A slot for one API request. */
export interface RateLimitPermit {
  /**
   * Records that the request is being written to the API's connection now (the KPN client's
   * `onWrite`). From then on the slot counts until `networkJitterMs` plus one window after this
   * moment, however long the answer takes. Call it again when the request is written again.
   */
  sent(): void;
  /**
   * Call once the answer (or the failure) is in. A slot whose request was never reported
   * {@link sent} counts until one window after this call: the request reached the API, if at all,
   * before its answer came back.
   */
  release(): Promise<void>;
}

/** Shapes API requests across every worker process sharing one Redis. */
export interface RateLimiter {
  /** Resolves with a permit when a request may go out now; waits while the window is full. */
  acquire(signal?: AbortSignal): Promise<RateLimitPermit>;
  /** False for the limiter of limit 0, whose permits come at once. */
  readonly limits: boolean;
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
   * How much longer than the quickest request one may take from being written to reaching the
   * API: the spread of the network's one-way delay. A slot counts this much longer than a window
   * after its request was written.
   * @default 50
   */
  networkJitterMs?: number;
  /**
   * Longest a slot counts as in flight when it is never settled (a crashed process): longer than
   * any request can take.
   * @default 60000
   */
  maxHoldMs?: number;
}

const NO_PERMIT: RateLimitPermit = { sent: () => {}, release: async () => {} };
const NO_LIMIT: RateLimiter = { acquire: async () => NO_PERMIT, limits: false };

type RedisWithScripts = (Redis | Cluster) & {
  smsRateAcquire(
    key: string,
    limit: number,
    inFlightUs: number,
    capUs: number,
    member: string,
  ): Promise<number>;
  smsRateSettle(key: string, member: string, offsetUs: number): Promise<number>;
};

/**
 * A sliding-window limiter in Redis, measured as the API sees it: no window of `windowMs` at the
 * API holds more than `limit` request arrivals, whichever worker process sent them. BullMQ's own
 * limiter counts fixed windows (up to twice the limit around a window's edge). A request reaches
 * the API some time after it was written and before its answer comes back; counting from when
 * a slot was taken is not enough, since a request can wait in the process (for a connection, a
 * connect retry, a busy event loop) and then arrive together with later ones.
 *
 * So a slot counts from the moment it is taken, through the time its request is in flight, until
 * one window (plus `networkJitterMs`) after the request was written: at any moment, every request
 * that reached the API in the last window still holds its slot, so there are at most `limit` of
 * them. The answer time plays no part (an API that answers slowly costs no throughput), so a
 * steady run sends `limit` requests per `windowMs + safetyMarginMs + networkJitterMs`, plus the
 * few milliseconds from taking a slot to writing its request. A slot whose write was not reported
 * counts until one window after its release, and one never settled (its process was killed)
 * until `maxHoldMs` plus a window after it was taken.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const {
    redis,
    key,
    limit,
    windowMs = 1000,
    safetyMarginMs = 10,
    networkJitterMs = 50,
    maxHoldMs = 60_000,
  } = options;
  if (limit <= 0) return NO_LIMIT;
  if (!("smsRateAcquire" in redis)) {
    redis.defineCommand("smsRateAcquire", { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    redis.defineCommand("smsRateSettle", { numberOfKeys: 1, lua: SETTLE_SCRIPT });
  }
  const client = redis as RedisWithScripts;
  const windowUs = (windowMs + safetyMarginMs) * 1000;
  const jitterUs = networkJitterMs * 1000;
  const inFlightUs = maxHoldMs * 1000 + windowUs;
  const owner = randomUUID();
  let sequence = 0;

  function permitFor(member: string): RateLimitPermit {
    let writtenAt: number | undefined;
    // Whether the slot was rescored after the latest write.
    let settled: Promise<boolean> = Promise.resolve(false);
    let released = false;
    return {
      sent() {
        if (released) return;
        writtenAt = performance.now();
        // Scored on Redis's clock when the command runs, a little after the write: later, so safe.
        settled = client.smsRateSettle(key, member, jitterUs + windowUs).then(
          () => true,
          () => false,
        );
      },
      async release() {
        if (released) return;
        released = true;
        if (await settled) return;
        // Not rescored at the write (none reported, or Redis refused): the request arrived before
        // its answer (now), and within the jitter after its write.
        const sinceWriteUs =
          writtenAt === undefined ? 0 : Math.round((performance.now() - writtenAt) * 1000);
        const arrivedBy = writtenAt === undefined ? 0 : Math.min(jitterUs - sinceWriteUs, 0);
        await client.smsRateSettle(key, member, arrivedBy + windowUs);
      },
    };
  }

  async function take(signal: AbortSignal | undefined): Promise<RateLimitPermit> {
    for (;;) {
      if (signal?.aborted) throw new RateLimitWaitAbortedError("rate limit wait aborted");
      sequence += 1;
      const member = `${owner}:${sequence}`;
      const waitMs = Number(await client.smsRateAcquire(key, limit, inFlightUs, windowUs, member));
      if (waitMs <= 0) return permitFor(member);
      await sleep(waitMs, signal);
    }
  }

  // Requests of this process queue up locally, so that only one of them at a time asks Redis:
  // fifty jobs waiting for a full window would otherwise all poll at the same moment.
  let line: Promise<void> = Promise.resolve();

  return {
    limits: true,
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
