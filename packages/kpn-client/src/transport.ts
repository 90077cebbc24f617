import type { Dispatcher } from "undici";
import { KpnError } from "./errors.js";

/** One POST to the API. */
export interface ApiCall {
  /** Names the request in error messages, e.g. "KPN send request". */
  label: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /**
   * Whether the API may act on the request (a send does, a token request does not). Only then
   * can a timeout or a reset leave it ambiguous.
   */
  actsOnApi: boolean;
}

/** A response whose body has been read in full (so its connection goes back to the pool). */
export interface ApiResponse {
  status: number;
  headers: Dispatcher.ResponseData["headers"];
  text: string;
}

/** Failures where the connection was never opened: safe to retry, nothing was sent. */
const CONNECT_FAILURES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

/** The dispatcher is closed: nothing was sent, and retrying cannot help. */
const CLOSED = new Set(["UND_ERR_CLOSED", "UND_ERR_DESTROYED"]);

/** Certificate and TLS handshake failures happen before the request is written. */
const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

const connectFailures = new WeakSet<KpnError>();

/** Whether `error` is a failure to open a connection, which may be retried at once. */
export function isConnectFailure(error: unknown): boolean {
  return error instanceof KpnError && connectFailures.has(error);
}

/**
 * POSTs `call` and reads the whole response body, all within `call.timeoutMs`. Transport
 * failures come out as a classified {@link KpnError}; HTTP statuses are left to the caller.
 */
export async function postToApi(
  dispatcher: Dispatcher,
  origin: string,
  call: ApiCall,
): Promise<ApiResponse> {
  const caller = call.signal;
  if (caller?.aborted) {
    throw new KpnError({
      code: "KPN_TIMEOUT",
      kind: "transient",
      message: `${call.label} was aborted by the caller before it was sent`,
      cause: caller.reason,
    });
  }
  // One controller per request, cleared when done: cheaper on the hot path than
  // AbortSignal.timeout + AbortSignal.any, whose timers and listeners outlive the request.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, call.timeoutMs);
  timer.unref();
  const onCallerAbort = (): void => controller.abort(caller?.reason);
  caller?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    const response = await dispatcher.request({
      origin,
      path: call.path,
      method: "POST",
      headers: call.headers,
      body: call.body,
      signal: controller.signal,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  } catch (error) {
    throw transportError(error, call, origin, timedOut, caller?.aborted === true);
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener("abort", onCallerAbort);
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === "string") return code;
  // Happy-eyeballs connects report one AggregateError for all addresses tried.
  if (Array.isArray(errors)) return errorCode(errors[0]);
  return undefined;
}

function transportError(
  error: unknown,
  call: ApiCall,
  origin: string,
  timedOut: boolean,
  callerAborted: boolean,
): KpnError {
  const code = errorCode(error);
  const mayHaveActed = call.actsOnApi;
  const note = mayHaveActed ? " (it may have reached the API)" : "";
  if (timedOut || (code !== undefined && TIMEOUTS.has(code))) {
    return new KpnError({
      code: "KPN_TIMEOUT",
      kind: "transient",
      ambiguous: mayHaveActed,
      message: `${call.label} timed out after ${call.timeoutMs} ms${note}`,
      cause: error,
    });
  }
  if (callerAborted) {
    return new KpnError({
      code: "KPN_TIMEOUT",
      kind: "transient",
      ambiguous: mayHaveActed,
      message: `${call.label} was aborted by the caller${note}`,
      cause: error,
    });
  }
  if (code !== undefined && CONNECT_FAILURES.has(code)) {
    const failure = new KpnError({
      code: "KPN_NETWORK",
      kind: "transient",
      message: `${call.label} could not connect to ${origin} (${code})`,
      cause: error,
    });
    connectFailures.add(failure);
    return failure;
  }
  if (code !== undefined && CLOSED.has(code)) {
    return new KpnError({
      code: "KPN_NETWORK",
      kind: "transient",
      message: `${call.label} was not sent: the KPN client is closed`,
      cause: error,
    });
  }
  if (code !== undefined && TLS_FAILURE.test(code)) {
    return new KpnError({
      code: "KPN_NETWORK",
      kind: "transient",
      message: `${call.label} failed the TLS handshake with ${origin} (${code})`,
      cause: error,
    });
  }
  // A reset or any other socket failure once connected: the request may have been written.
  const reason = code ?? (error instanceof Error ? error.name : "unknown error");
  return new KpnError({
    code: "KPN_NETWORK",
    kind: "transient",
    ambiguous: mayHaveActed,
    message: `${call.label} lost its connection to ${origin} (${reason})${note}`,
    cause: error,
  });
}
