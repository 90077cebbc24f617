/**
 * Thrown by the processor for a failure worth another attempt; BullMQ retries it with the
 * `sms` backoff, which waits at least `retryAfterMs` when the API asked for that.
 */
export class SmsRetryableError extends Error {
  override readonly name = "SmsRetryableError";
  /** The failure's code: the KPN error code, or `SMS_UNEXPECTED` for anything else. */
  readonly code: string;
  /** The delay the API asked for (Retry-After), if any. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, code: string, retryAfterMs: number | undefined, cause: unknown) {
    super(message, { cause });
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Reads a `retryAfterMs` number off any error, for the backoff strategy. */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}
