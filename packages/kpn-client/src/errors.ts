/**
 * Every {@link KpnErrorKind}, for callers that check a value read from elsewhere (a queued job,
 * a log) or need the full list, e.g. to label metrics.
 */
export const KPN_ERROR_KINDS = ["permanent", "rate_limited", "auth", "transient"] as const;

/**
 * What the caller should do with a failed request:
 * - `permanent`: the API refused it for good; resending the same request fails the same way.
 * - `rate_limited`: the API asked us to slow down; nothing was sent. See {@link KpnError.retryAfterMs}.
 * - `auth`: the credentials (or a freshly fetched token) were refused; nothing was sent.
 * - `transient`: try again later. Check {@link KpnError.ambiguous} before resending.
 */
export type KpnErrorKind = (typeof KPN_ERROR_KINDS)[number];

/**
 * Stable machine-readable code of a {@link KpnError}; the `kind` says what to do, the code says
 * what happened:
 * - `KPN_REJECTED`: a 4xx, or a validation error in the body of any answer (`permanent`);
 * - `KPN_RATE_LIMITED`: a 429 or a gateway quota / spike-arrest fault (`rate_limited`);
 * - `KPN_AUTH_FAILED`: the credentials, or a freshly fetched token, were refused (`auth`);
 * - `KPN_SERVER_ERROR`: a 5xx or a 408 (`transient`);
 * - `KPN_TIMEOUT`: no whole answer within `timeoutMs`, or the caller aborted (`transient`);
 * - `KPN_NETWORK`: a connection could not be opened, or was lost (`transient`);
 * - `KPN_BAD_RESPONSE`: a 2xx without a usable `document_id` (`transient`, ambiguous);
 * - `KPN_REDIRECTED`: a 3xx, which is never followed: check `baseUrl` and `sendPath` (`transient`);
 * - `KPN_TOKEN_FAILED`: the token request failed for a transient reason (`transient`);
 * - `KPN_INVALID_OPTIONS`: {@link createKpnClient} was given a bad option (`permanent`).
 */
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
 * Longest `message` and `apiMessage`, and `apiCode`, kept. What an answer puts there is the
 * server's to choose; these reach logs and dead-letter records, so they are bounded here.
 */
const MAX_MESSAGE_LENGTH = 1000;
const MAX_API_CODE_LENGTH = 200;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Marks every {@link KpnError}. A registered symbol, so that two copies of this package (two
 * versions in one `node_modules`, or the package bundled twice) mark their errors alike and
 * `instanceof KpnError` holds across them, as undici does for its errors.
 */
const KPN_ERROR_BRAND = Symbol.for("sms-relay.kpn-client.error");

/**
 * The one error type of this package. Decide what to do from `kind` (and `ambiguous`), report
 * with `code`.
 *
 * `instanceof KpnError` is true for errors of any copy of this package, since it checks the
 * brand `Symbol.for("sms-relay.kpn-client.error")` rather than the prototype chain;
 * {@link isKpnError} also accepts errors of older copies made before that brand.
 *
 * @example
 * try {
 *   await kpn.send(request);
 * } catch (error) {
 *   if (error instanceof KpnError && error.kind === "rate_limited") pauseFor(error.retryAfterMs);
 *   else throw error;
 * }
 */
export class KpnError extends Error {
  /** Whether `value` carries the brand of a `KpnError` of any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as { [KPN_ERROR_BRAND]?: unknown })[KPN_ERROR_BRAND] === true
    );
  }

  /** The brand (on the prototype: not an own property, so not in `JSON.stringify`). */
  get [KPN_ERROR_BRAND](): true {
    return true;
  }

  override readonly name = "KpnError";
  /** Stable machine-readable code. */
  readonly code: KpnErrorCode;
  /** What the caller should do: retry, back off, dead-letter or fix credentials. */
  readonly kind: KpnErrorKind;
  /** HTTP status, when the API answered. */
  readonly status?: number;
  /**
   * Code parsed from the error body (`errorResponse.code`, `fault.detail.errorcode`, `error.name` …),
   * at most 200 characters.
   */
  readonly apiCode?: string;
  /** Message parsed from the error body, at most 1000 characters. */
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
    super(
      cut(details.message, MAX_MESSAGE_LENGTH),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = details.code;
    this.kind = details.kind;
    this.ambiguous = details.ambiguous ?? false;
    if (details.status !== undefined) this.status = details.status;
    if (details.apiCode !== undefined) this.apiCode = cut(details.apiCode, MAX_API_CODE_LENGTH);
    if (details.apiMessage !== undefined) {
      this.apiMessage = cut(details.apiMessage, MAX_MESSAGE_LENGTH);
    }
    if (details.body !== undefined) this.body = details.body.slice(0, MAX_ERROR_BODY_LENGTH);
    if (details.headers !== undefined) this.headers = details.headers;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Whether `value` is a {@link KpnError} of any copy of this package: by its brand (as
 * `instanceof KpnError`), or else by `name` `"KpnError"` and a known `code`, which also holds
 * for errors of older copies made before the brand.
 *
 * @example
 * if (isKpnError(error) && error.ambiguous) countPossibleDuplicate();
 */
export function isKpnError(value: unknown): value is KpnError {
  if (value instanceof KpnError) return true;
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === "KpnError" &&
    typeof candidate.code === "string" &&
    KPN_ERROR_CODES.has(candidate.code)
  );
}
