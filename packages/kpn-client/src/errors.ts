/**
 * What the caller should do with a failed request:
 * - `permanent`: the API refused it for good; resending the same request fails the same way.
 * - `rate_limited`: the API asked us to slow down; nothing was sent. See {@link KpnError.retryAfterMs}.
 * - `auth`: the credentials (or a freshly fetched token) were refused; nothing was sent.
 * - `transient`: try again later. Check {@link KpnError.ambiguous} before resending.
 */
export type KpnErrorKind = "permanent" | "rate_limited" | "auth" | "transient";

/** Stable machine-readable code of a {@link KpnError}. */
export type KpnErrorCode =
  | "KPN_REJECTED"
  | "KPN_RATE_LIMITED"
  | "KPN_AUTH_FAILED"
  | "KPN_SERVER_ERROR"
  | "KPN_TIMEOUT"
  | "KPN_NETWORK"
  | "KPN_BAD_RESPONSE"
  | "KPN_REDIRECTED"
  | "KPN_TOKEN_FAILED"
  | "KPN_INVALID_OPTIONS";

const KPN_ERROR_CODES: ReadonlySet<string> = new Set<KpnErrorCode>([
  "KPN_REJECTED",
  "KPN_RATE_LIMITED",
  "KPN_AUTH_FAILED",
  "KPN_SERVER_ERROR",
  "KPN_TIMEOUT",
  "KPN_NETWORK",
  "KPN_BAD_RESPONSE",
  "KPN_REDIRECTED",
  "KPN_TOKEN_FAILED",
  "KPN_INVALID_OPTIONS",
]);

/** Everything a {@link KpnError} is built from; only `code`, `kind` and `message` are required. */
export interface KpnErrorDetails {
  code: KpnErrorCode;
  kind: KpnErrorKind;
  message: string;
  /** @default false */
  ambiguous?: boolean;
  status?: number;
  apiCode?: string;
  apiMessage?: string;
  body?: string;
  headers?: Record<string, string>;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Raw response bodies are kept for dead-letter records, but never more than this. */
export const MAX_ERROR_BODY_LENGTH = 1000;

/**
 * The one error type of this package. Decide what to do from `kind` (and `ambiguous`), report
 * with `code`; check with {@link isKpnError} rather than `instanceof`, which fails across copies
 * of the package.
 */
export class KpnError extends Error {
  override readonly name = "KpnError";
  /** Stable machine-readable code. */
  readonly code: KpnErrorCode;
  /** What the caller should do: retry, back off, dead-letter or fix credentials. */
  readonly kind: KpnErrorKind;
  /** HTTP status, when the API answered. */
  readonly status?: number;
  /** Code parsed from the error body (`errorResponse.code`, `fault.detail.errorcode`, `error.name` …). */
  readonly apiCode?: string;
  /** Message parsed from the error body. */
  readonly apiMessage?: string;
  /** Raw response body, truncated to 1000 characters. */
  readonly body?: string;
  /** Response headers with lower-case names, e.g. `retry-after`, `quota-used`. */
  readonly headers?: Record<string, string>;
  /** Delay asked for by a `Retry-After` header (seconds or HTTP date), in milliseconds. */
  readonly retryAfterMs?: number;
  /**
   * `true` when the request may have reached the API and been acted on (500/502/504 that are not
   * auth faults, a 2xx without `document_id`, a timeout, a connection reset after the request was
   * written). Only these can cause a duplicate SMS when retried. `false` when nothing was sent
   * (429, 503, 4xx, connect failures).
   */
  readonly ambiguous: boolean;

  constructor(details: KpnErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.kind = details.kind;
    this.ambiguous = details.ambiguous ?? false;
    if (details.status !== undefined) this.status = details.status;
    if (details.apiCode !== undefined) this.apiCode = details.apiCode;
    if (details.apiMessage !== undefined) this.apiMessage = details.apiMessage;
    if (details.body !== undefined) this.body = details.body.slice(0, MAX_ERROR_BODY_LENGTH);
    if (details.headers !== undefined) this.headers = details.headers;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Whether `value` is a {@link KpnError}, judged by `name` and `code` so that it also holds for
 * errors made by another copy of this package.
 */
export function isKpnError(value: unknown): value is KpnError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === "KpnError" &&
    typeof candidate.code === "string" &&
    KPN_ERROR_CODES.has(candidate.code)
  );
}
