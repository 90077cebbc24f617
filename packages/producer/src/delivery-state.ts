/** Where an SMS is on its way to the handset, as delivery reports tell. */
export type SmsDeliveryState = "unknown" | "pending" | "delivered" | "failed" | "expired";

/** A delivery state that some report gave (everything but `unknown`). */
export type ReportedDeliveryState = Exclude<SmsDeliveryState, "unknown">;

/** The delivery of one SMS, as `SmsProducer.status(id).delivery` shows it. */
export interface SmsDelivery {
  /** `unknown` until a report comes. */
  state: SmsDeliveryState;
  /** KPN's error code of the report that set the state, where one came (`"000"` when fine). */
  code?: string;
  /** `StatusDateTime` of the report that set the state, as an ISO string. */
  reportedAt?: string;
}

/**
 * The delivery state a KPN status code stands for: 2 (queued) and 3 (accepted) → `pending`,
 * 1 → `delivered`, 4 (failed) and 5 (rejected) → `failed`, 6 → `expired`; any other code →
 * `undefined`.
 */
export function deliveryStateOfKpnStatus(status: number): ReportedDeliveryState | undefined {
  switch (status) {
    case 1:
      return "delivered";
    case 2:
    case 3:
      return "pending";
    case 4:
    case 5:
      return "failed";
    case 6:
      return "expired";
    default:
      return undefined;
  }
}

/** Answers whether a state is final: no later report of the same part brings it back to pending. */
export function isFinalDeliveryState(state: SmsDeliveryState): boolean {
  return state === "delivered" || state === "failed" || state === "expired";
}

/**
 * The state of an SMS from the states of its parts (one per message or document): `failed` if
 * any failed, else `expired` if any expired, else `delivered` when all are delivered, else
 * `pending`; `unknown` without any.
 */
export function combineDeliveryStates(states: readonly ReportedDeliveryState[]): SmsDeliveryState {
  if (states.length === 0) return "unknown";
  if (states.includes("failed")) return "failed";
  if (states.includes("expired")) return "expired";
  return states.every((state) => state === "delivered") ? "delivered" : "pending";
}
