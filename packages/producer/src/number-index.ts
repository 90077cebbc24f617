import { createHash } from "node:crypto";
import { normalizeMobileNumber } from "@sms-relay/sms";
import type { Cluster, Redis } from "ioredis";
import { PRODUCER_DEFAULTS } from "./defaults.js";
import { SMS_QUEUE } from "./queue-names.js";

/**
 * The index of SMS by recipient: one sorted set per E.164 number, `<prefix>:sms:idx:to:<number>`,
 * of the job ids sent to it, each scored by the moment its SMS became due (epoch ms: the add plus
 * its `delayMs`). The producer writes it as it adds the jobs, so that an SMS can be found by its
 * number without scanning the queue.
 *
 * The keys sit beside the queue's own (`<prefix>:sms:…`), so with a hash-tagged prefix (`{sms}`)
 * they share the queue's Redis Cluster slot. Each write drops the entries of that number that are
 * older than the retention (the worker's `SMS_KEEP_COMPLETED_SECONDS`, after which the jobs are
 * gone too) and lets the key expire one retention after its newest entry, so a number that gets
 * no more SMS leaves nothing behind.
 */
export interface NumberIndexEntry {
  /** The recipient in E.164 (`+316…`), as the job data holds it. */
  to: string;
  /** The `sms` job id. */
  jobId: string;
  /** When the SMS became due, epoch ms: its score, and what its retention counts from. */
  dueAt: number;
}

/** Options of {@link indexSmsByNumber}. */
export interface IndexSmsByNumberOptions {
  /**
   * How long an entry is kept after its SMS became due: the worker's retention of sent SMS.
   * @default PRODUCER_DEFAULTS.keepCompletedSeconds (604800, a week)
   */
  keepSeconds?: number;
  /** The clock, epoch ms. @default Date.now() */
  now?: number;
}

/** Options of {@link findSmsIdsByNumber}. */
export interface FindSmsIdsByNumberOptions {
  /** Most ids returned, newest first. @default 100 */
  limit?: number;
}

/** Most ids {@link findSmsIdsByNumber} returns unless told otherwise. */
export const NUMBER_INDEX_DEFAULT_LIMIT = 100;

/**
 * The key of one number's index. `number` must already be E.164 (`normalizeMobileNumber`).
 *
 * @example
 * numberIndexKey("{sms}", "+31612345678"); // "{sms}:sms:idx:to:+31612345678"
 */
export function numberIndexKey(prefix: string, number: string): string {
  return `${prefix}:${SMS_QUEUE}:idx:to:${number}`;
}

/**
 * KEYS: one index key per number. ARGV: now (ms), retention (ms), then per entry three values:
 * the position of its key in KEYS (1-based), its score, its job id. An entry already there keeps
 * the later of its two scores, so a send deduplicated by its idempotency key moves nothing back.
 */
export const NUMBER_INDEX_LUA = `
local now = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
local newest = {}
for i = 3, #ARGV, 3 do
  local k = tonumber(ARGV[i])
  local key = KEYS[k]
  local score = tonumber(ARGV[i + 1])
  local old = redis.call('ZSCORE', key, ARGV[i + 2])
  if not old or tonumber(old) < score then redis.call('ZADD', key, score, ARGV[i + 2]) end
  if not newest[k] or score > newest[k] then newest[k] = score end
end
for k, score in pairs(newest) do
  local key = KEYS[k]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - keep))
  local want = math.floor(score + keep - now)
  if want < 1 then want = 1 end
  if redis.call('PTTL', key) < want then redis.call('PEXPIRE', key, want) end
end
return #ARGV
`;

const SCRIPT_SHA = createHash("sha1").update(NUMBER_INDEX_LUA).digest("hex");

function runIndexScript(
  redis: Redis | Cluster,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  return (redis.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args) as Promise<unknown>).catch(
    (error: unknown) => {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(NUMBER_INDEX_LUA, keys.length, ...keys, ...args) as Promise<unknown>;
    },
  );
}

/**
 * Records SMS in the number index, all of them in one script call (one round trip). The
 * producer calls it as it adds the jobs; call it yourself for jobs added another way.
 *
 * @example
 * await indexSmsByNumber(redis, "bull", [{ to: "+31612345678", jobId, dueAt: Date.now() }]);
 */
export async function indexSmsByNumber(
  redis: Redis | Cluster,
  prefix: string,
  entries: readonly NumberIndexEntry[],
  options: IndexSmsByNumberOptions = {},
): Promise<void> {
  if (entries.length === 0) return;
  const keepMs = (options.keepSeconds ?? PRODUCER_DEFAULTS.keepCompletedSeconds) * 1000;
  const keys: string[] = [];
  const positions = new Map<string, number>();
  const args: string[] = [String(options.now ?? Date.now()), String(keepMs)];
  for (const { to, jobId, dueAt } of entries) {
    let position = positions.get(to);
    if (position === undefined) {
      keys.push(numberIndexKey(prefix, to));
      position = keys.length;
      positions.set(to, position);
    }
    args.push(String(position), String(Math.trunc(dueAt)), jobId);
  }
  await runIndexScript(redis, keys, args);
}

/**
 * The ids of the SMS sent to a number, newest first (by when each became due), from the index
 * the producer keeps. `number` may be in any Dutch spelling (`0612345678`, `+31 6 1234 5678`,
 * `0031…`, `06-…`); it is normalized first and throws `SmsInputError` (`SMS_INVALID_NUMBER`)
 * when it is not a Dutch mobile number. SMS added by producers before the index existed, or
 * other than through the producer, are not found; their jobs may also be gone already (past
 * retention), so look each id up.
 *
 * @example
 * const ids = await findSmsIdsByNumber(redis, "bull", "06-12345678", { limit: 20 });
 */
export async function findSmsIdsByNumber(
  redis: Redis | Cluster,
  prefix: string,
  number: string,
  options: FindSmsIdsByNumberOptions = {},
): Promise<string[]> {
  const limit = options.limit ?? NUMBER_INDEX_DEFAULT_LIMIT;
  if (limit <= 0) return [];
  const key = numberIndexKey(prefix, normalizeMobileNumber(number));
  return await redis.zrevrange(key, 0, limit - 1);
}
