import type { Cluster, Redis } from "ioredis";
import { deliveryKeys } from "./delivery-keys.js";
import type { SmsDelivery, SmsDeliveryState } from "./delivery-state.js";

const STATES: ReadonlySet<string> = new Set(["pending", "delivered", "failed", "expired"]);
const FIELDS = ["state", "code", "reportedAt"] as const;

/** The values of {@link FIELDS} in a state hash, as `HMGET` answers them (null where absent). */
type StateFields = readonly (string | null | undefined)[];

function toDelivery([state, code, reportedAt]: StateFields): SmsDelivery {
  if (state === null || state === undefined || !STATES.has(state)) return { state: "unknown" };
  const delivery: SmsDelivery = { state: state as SmsDeliveryState };
  if (code) delivery.code = code;
  const at = Number(reportedAt);
  if (reportedAt && Number.isFinite(at)) delivery.reportedAt = new Date(at).toISOString();
  return delivery;
}

/**
 * The delivery state of one SMS (by its `sms` job id), as the receipts app recorded it:
 * `{ state: "unknown" }` until a report came or once the record expired.
 *
 * @example
 * const { state, code, reportedAt } = await readDelivery(redis, "bull", jobId);
 */
export async function readDelivery(
  redis: Redis | Cluster,
  prefix: string,
  jobId: string,
): Promise<SmsDelivery> {
  return toDelivery(await redis.hmget(deliveryKeys(prefix).state(jobId), ...FIELDS));
}

/**
 * The delivery states of many SMS at once, in the order of `jobIds`, read in one round trip (a
 * pipeline), as a page of a listing needs them. With a hash-tagged prefix every key is in the
 * queue's cluster slot, so this works on Redis Cluster too.
 *
 * @throws the Redis error of the first read that failed.
 * @example
 * const deliveries = await readDeliveries(redis, "bull", jobs.map((job) => job.id));
 */
export async function readDeliveries(
  redis: Redis | Cluster,
  prefix: string,
  jobIds: readonly string[],
): Promise<SmsDelivery[]> {
  if (jobIds.length === 0) return [];
  const keys = deliveryKeys(prefix);
  const pipeline = redis.pipeline();
  for (const jobId of jobIds) pipeline.hmget(keys.state(jobId), ...FIELDS);
  const results = (await pipeline.exec()) ?? [];
  return jobIds.map((_, index) => {
    const [error, fields] = results[index] ?? [new Error("no answer from Redis"), null];
    if (error) throw error;
    return toDelivery(fields as StateFields);
  });
}
