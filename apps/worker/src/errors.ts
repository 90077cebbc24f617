/** The fields of a KPN client failure the worker relies on (see `KpnError` in @sms-relay/kpn-client). */
export interface KpnFailure extends Error {
  readonly code: string;
  readonly kind: "permanent" | "rate_limited" | "auth" | "transient";
  readonly status?: number;
  readonly apiCode?: string;
  readonly body?: string;
  readonly retryAfterMs?: number;
  readonly ambiguous: boolean;
}

const KINDS = new Set(["permanent", "rate_limited", "auth", "transient"]);

/**
 * True for a KPN client failure. Checked by name and shape, not `instanceof`, because a second
 * copy of the client package would have its own class.
 */
export function isKpnFailure(error: unknown): error is KpnFailure {
  if (!(error instanceof Error) || error.name !== "KpnError") return false;
  const candidate = error as Partial<KpnFailure>;
  return typeof candidate.code === "string" && KINDS.has(candidate.kind ?? "");
}

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
