import type { Cluster, Redis } from "ioredis";
import { deliveryKeys } from "./delivery-keys.js";
import type { SmsDelivery, SmsDeliveryState } from "./delivery-state.js";

const STATES: ReadonlySet<string> = new Set(["pending", "delivered", "failed", "expired"]);

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
  const [state, code, reportedAt] = await redis.hmget(
    deliveryKeys(prefix).state(jobId),
    "state",
    "code",
    "reportedAt",
  );
  if (state === null || state === undefined || !STATES.has(state)) return { state: "unknown" };
  const delivery: SmsDelivery = { state: state as SmsDeliveryState };
  if (code) delivery.code = code;
  const at = Number(reportedAt);
  if (reportedAt && Number.isFinite(at)) delivery.reportedAt = new Date(at).toISOString();
  return delivery;
}
