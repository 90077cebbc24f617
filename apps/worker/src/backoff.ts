import { PRODUCER_DEFAULTS } from "@sms-relay/producer";
import type { MinimalJob } from "bullmq";
import { retryAfterMsOf } from "./errors.js";

/** The backoff type producers put on SMS jobs: `{ backoff: { type: "sms" } }`. */
export const SMS_BACKOFF_TYPE = "sms";

/** Options of {@link createBackoffStrategy}. */
export interface BackoffOptions {
  /** Delay ceiling of the first retry, doubled for each later one (`SMS_BACKOFF_MS`). @default 2000 */
  baseMs?: number;
  /** Cap of any delay before jitter and Retry-After (`SMS_BACKOFF_MAX_MS`). @default 600000 */
  maxMs?: number;
  /** Source of randomness in [0, 1), replaceable in tests. @default Math.random */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: a random delay up to
 * `min(maxMs, baseMs × 2^(attempt − 1))`, so that jobs failing together do not retry together,
 * but never shorter than a Retry-After the API sent.
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions = {}): number {
  const {
    baseMs = PRODUCER_DEFAULTS.backoffMs,
    maxMs = PRODUCER_DEFAULTS.backoffMaxMs,
    random = Math.random,
  } = options;
  const exponent = Math.max(0, Math.min(attempt - 1, 40));
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * The BullMQ `settings.backoffStrategy` of the worker, for type `sms`. BullMQ's own `fixed` and
 * `exponential` never reach it; any other custom type gets the same curve rather than failing.
 */
export function createBackoffStrategy(options: BackoffOptions = {}) {
  return (attemptsMade: number, _type?: string, error?: Error, job?: MinimalJob): number => {
    const delay = Math.max(computeBackoffMs(attemptsMade, options), retryAfterMsOf(error) ?? 0);
    // An SMS that expires before the retry comes back at its expiry, to be dead-lettered then
    // rather than sit in the delayed set looking alive.
    const expiresAt = (job?.data as { expiresAt?: unknown } | undefined)?.expiresAt;
    const left = typeof expiresAt === "string" ? Date.parse(expiresAt) - Date.now() : Number.NaN;
    return Number.isFinite(left) ? Math.min(delay, Math.max(0, left)) : delay;
  };
}
