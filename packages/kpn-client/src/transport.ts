import type { Dispatcher } from "undici";
import type { DeadlineEntry, Deadlines } from "./deadlines.js";
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
  /** Told when the request is about to be written on a connection. */
  onWrite?: (() => void) | undefined;
}

/**
 * A response whose body has been read in full (so its connection goes back to the pool), or up
 * to {@link MAX_RESPONSE_BODY_BYTES} (and its connection closed).
 */
export interface ApiResponse {
  status: number;
  headers: Dispatcher.ResponseData["headers"];
  /** The body as UTF-8, at most its first {@link MAX_RESPONSE_BODY_BYTES} bytes. */
  text: string;
  /** Whether the body was longer than {@link MAX_RESPONSE_BODY_BYTES} and cut there. */
  truncated: boolean;
}

/**
 * Most bytes of a response body that are read. A send answer is a few dozen bytes and an error
 * body a few hundred; past this a body is not worth its memory, so the rest is never read: the
 * connection is closed instead, which costs one reconnect but not the time to drain a body of
 * any size.
 */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

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
 * POSTs `call` and reads the whole response body, all within `call.timeoutMs` as kept by
 * `deadlines`. Transport failures come out as a classified {@link KpnError}; HTTP statuses are
 * left to the caller.
 */
export function postToApi(
  dispatcher: Dispatcher,
  origin: string,
  call: ApiCall,
  deadlines: Deadlines,
): Promise<ApiResponse> {
  const caller = call.signal;
  if (caller?.aborted) {
    return Promise.reject(
      new KpnError({
        code: "KPN_TIMEOUT",
        kind: "transient",
        message: `${call.label} was aborted by the caller before it was sent`,
        cause: caller.reason,
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const exchange = new Exchange(call, origin, deadlines, resolve, reject);
    try {
      dispatcher.dispatch(
        {
          origin,
          path: call.path,
          method: "POST",
          headers: call.headers,
          body: call.body,
          headersTimeout: call.timeoutMs,
          bodyTimeout: call.timeoutMs,
        },
        exchange,
      );
    } catch (error) {
      // undici reports its own failures through the handler; a foreign dispatcher may throw.
      exchange.onResponseError(undefined, error as Error);
    }
  });
}

/**
 * One request in flight, as an undici dispatch handler. It collects the body itself rather than
 * going through `Dispatcher.request`, whose stream, async resource and abort-signal plumbing cost
 * more than the rest of a send; the whole-request timeout comes from the client's shared
 * {@link Deadlines} instead of a timer and an `AbortController` per request.
 */
class Exchange implements Dispatcher.DispatchHandler, DeadlineEntry {
  deadline = 0;
  prev: DeadlineEntry | undefined = undefined;
  next: DeadlineEntry | undefined = undefined;
  linked = false;

  private controller: Dispatcher.DispatchController | undefined = undefined;
  private status = 0;
  private headers: Dispatcher.ResponseData["headers"] = {};
  private chunks: Buffer[] = [];
  private received = 0;
  private settled = false;
  private timedOut = false;
  private callerAborted = false;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(
    private readonly call: ApiCall,
    private readonly origin: string,
    private readonly deadlines: Deadlines,
    private readonly resolve: (response: ApiResponse) => void,
    private readonly reject: (error: KpnError) => void,
  ) {
    deadlines.add(this);
    const caller = call.signal;
    if (caller !== undefined) {
      this.onCallerAbort = () => {
        this.callerAborted = true;
        this.abort(caller.reason);
      };
      caller.addEventListener("abort", this.onCallerAbort, { once: true });
    }
  }

  /** Called by {@link Deadlines} when `timeoutMs` has passed. */
  expire(): void {
    this.timedOut = true;
    this.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Timed out or aborted while queued for a connection: do not write it at all.
    if (this.settled) {
      controller.abort(new DOMException("aborted", "AbortError"));
      return;
    }
    this.controller = controller;
    // undici writes the request right after this returns, on a connected socket.
    try {
      this.call.onWrite?.();
    } catch {
      // An observer's fault must not turn a send into a failure.
    }
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Dispatcher.ResponseData["headers"],
  ): void {
    // 1xx answers are interim; the final status follows.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const before = this.received;
    this.received = before + chunk.length;
    if (this.received <= MAX_RESPONSE_BODY_BYTES) {
      this.chunks.push(chunk);
      return;
    }
    if (this.settled) return;
    this.chunks.push(chunk.subarray(0, MAX_RESPONSE_BODY_BYTES - before));
    this.respond(true);
    // Settled first, so the onResponseError this causes finds nothing left to do.
    if (!controller.aborted)
      controller.abort(
        new Error(`response body over ${MAX_RESPONSE_BODY_BYTES} bytes, rest not read`),
      );
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.respond(false);
  }

  private respond(truncated: boolean): void {
    this.finish();
    const { chunks } = this;
    this.chunks = [];
    const text =
      chunks.length === 1
        ? (chunks[0] as Buffer).toString("utf8")
        : Buffer.concat(chunks).toString("utf8");
    this.resolve({ status: this.status, headers: this.headers, text, truncated });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.fail(error);
  }

  /** Stops the request with `reason`: through undici once it started, else straight away. */
  private abort(reason: unknown): void {
    // Aborting a started request makes undici call onResponseError, which settles it first and
    // frees the socket; fail() then does nothing. Not started yet: onRequestStart will abort it.
    if (this.controller !== undefined && !this.controller.aborted) {
      this.controller.abort(reason as Error);
    }
    this.fail(reason);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.finish();
    this.chunks = [];
    this.reject(transportError(error, this.call, this.origin, this.timedOut, this.callerAborted));
  }

  private finish(): void {
    this.settled = true;
    this.deadlines.remove(this);
    if (this.onCallerAbort !== undefined) {
      this.call.signal?.removeEventListener("abort", this.onCallerAbort);
    }
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
