import { type Dispatcher, Pool } from "undici";
import { createDeadlines, type Deadlines } from "./deadlines.js";
import type { KpnError } from "./errors.js";
import { type KpnClientOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import {
  describeFacts,
  errorFromFacts,
  isAuthFailure,
  type ResponseFacts,
  responseFacts,
  sendFailure,
  validationRefusal,
} from "./response-error.js";
import { createTokenCache, type TokenCache } from "./token-cache.js";
import {
  type ApiResponse,
  isConnectFailure,
  MAX_RESPONSE_BODY_BYTES,
  postToApi,
} from "./transport.js";
import type { KpnClient, SendSmsRequest, SendSmsResult } from "./types.js";

const CONNECT_RETRY_MIN_DELAY_MS = 100;
/**
 * undici's default connect timeout, or half of `timeoutMs` when that is shorter: a host that never
 * accepts then fails as a connect failure (retryable, not ambiguous) before the whole-request
 * timer would have to call it an ambiguous timeout.
 */
const MAX_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Creates a KPN SMS API client with its own keep-alive pool (unless `dispatcher` is given),
 * a shared OAuth token cache and exact failure classification.
 *
 * @throws KpnError `KPN_INVALID_OPTIONS` naming the first bad option.
 * @example
 * const kpn = createKpnClient({ baseUrl: "https://api-prd.kpn.com", clientId, clientSecret });
 * const { documentId } = await kpn.send({
 *   sender: "MyShop",
 *   messages: [{ content: "Hallo!", mobileNumber: "+31612345678" }],
 * });
 * await kpn.close();
 */
export function createKpnClient(options: KpnClientOptions): KpnClient {
  const resolved = resolveOptions(options);
  const ownsDispatcher = resolved.dispatcher === undefined;
  const dispatcher = resolved.dispatcher ?? createPool(resolved);
  const deadlines = createDeadlines(resolved.timeoutMs);
  const tokens = createTokenCache(resolved, dispatcher, deadlines);
  const send = createSend(resolved, dispatcher, tokens, deadlines);
  let closing: Promise<void> | undefined;

  return {
    send,
    getAccessToken: () => tokens.get(),
    invalidateToken: (token) => tokens.invalidate(token),
    get tokenRequests() {
      return tokens.requests;
    },
    close(): Promise<void> {
      closing ??= ownsDispatcher ? dispatcher.close() : Promise.resolve();
      return closing;
    },
  };
}

function createPool(options: ResolvedOptions): Pool {
  return new Pool(options.origin, {
    connections: options.connections,
    connect: { timeout: Math.min(MAX_CONNECT_TIMEOUT_MS, Math.ceil(options.timeoutMs / 2)) },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
}

function createSend(
  options: ResolvedOptions,
  dispatcher: Dispatcher,
  tokens: TokenCache,
  deadlines: Deadlines,
): KpnClient["send"] {
  // Built once per token rather than per send: undici only reads them.
  let headersToken: string | undefined;
  let headers: Record<string, string> = {};
  function headersFor(token: string): Record<string, string> {
    if (token !== headersToken) {
      headersToken = token;
      headers = {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json",
        "user-agent": options.userAgent,
      };
    }
    return headers;
  }

  function post(token: string, body: string, request: SendSmsRequest) {
    return postToApi(
      dispatcher,
      options.origin,
      {
        label: "KPN send request",
        path: options.sendPath,
        headers: headersFor(token),
        body,
        timeoutMs: options.timeoutMs,
        signal: request.signal,
        actsOnApi: true,
        onWrite: request.onWrite,
      },
      deadlines,
    );
  }

  /**
   * Sends with the cached token; when the gateway refuses the token, sends once more at once with
   * a new one. That is safe: a refused token means the request was never handled.
   */
  async function sendWithFreshToken(body: string, request: SendSmsRequest): Promise<ApiResponse> {
    const { signal } = request;
    const firstToken = tokens.current() ?? (await tokens.get(signal));
    const first = await post(firstToken, body, request);
    if (first.status >= 200 && first.status < 300) return first;
    const firstFacts = responseFacts(first);
    if (!isAuthFailure(firstFacts)) throw sendFailure(firstFacts);

    tokens.invalidate(firstToken);
    const secondToken = await tokens.get(signal);
    const second = await post(secondToken, body, request);
    if (second.status >= 200 && second.status < 300) return second;
    const secondFacts = responseFacts(second);
    if (!isAuthFailure(secondFacts)) throw sendFailure(secondFacts);
    tokens.invalidate(secondToken);
    throw authFailure(secondFacts);
  }

  return async function send(request: SendSmsRequest): Promise<SendSmsResult> {
    const startedAt = performance.now();
    const body = encodeSendBody(request);
    const { signal } = request;
    let response: ApiResponse;
    for (let retriesConsumed = 0; ; retriesConsumed++) {
      try {
        response = await sendWithFreshToken(body, request);
        break;
      } catch (error) {
        // Only connect failures are retried: not a byte went out, so no duplicate is possible.
        const delayMs = connectRetryDelay(error, retriesConsumed, startedAt, options, signal);
        if (delayMs === undefined) throw error;
        await sleep(delayMs);
      }
    }
    return accepted(response, startedAt);
  };
}

/**
 * How long to wait before retrying a send that failed with `error`, or `undefined` to give up:
 * only connect failures, at most `connectRetries` times, 100 ms apart and doubling, and never
 * past `timeoutMs` from the start of the send.
 */
function connectRetryDelay(
  error: unknown,
  retriesConsumed: number,
  startedAt: number,
  options: ResolvedOptions,
  signal: AbortSignal | undefined,
): number | undefined {
  if (!isConnectFailure(error) || signal?.aborted === true) return undefined;
  if (retriesConsumed >= options.connectRetries) return undefined;
  const remainingMs = options.timeoutMs - (performance.now() - startedAt);
  if (remainingMs <= 0) return undefined;
  return Math.min(CONNECT_RETRY_MIN_DELAY_MS * 2 ** retriesConsumed, remainingMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function encodeSendBody(request: SendSmsRequest): string {
  const payload: Record<string, unknown> = {
    messages: request.messages.map((message) => ({
      content: message.content,
      mobile_number: message.mobileNumber,
    })),
    sender: request.sender,
  };
  if (request.webhookUrl !== undefined) payload.webhook_url = request.webhookUrl;
  if (request.expireInSeconds !== undefined) payload.expirein = String(request.expireInSeconds);
  return JSON.stringify(payload);
}

/**
 * What KPN's document ids look like (UUIDs), with room for other id schemes: anything longer or
 * with other characters is not an id but a faulty or hostile answer, and it would end up in job
 * data and logs.
 */
const DOCUMENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SHOWN_ID_PREFIX = 16;

/**
 * A 2xx must carry a usable `document_id`. Without one it is a refusal when the body is a
 * validation error, else transient and ambiguous: the API took the request and may have sent it,
 * yet gave us nothing to prove it. Retrying risks a duplicate; dropping it risks a lost SMS, and
 * the worker's policy is at-least-once.
 */
function accepted(response: ApiResponse, startedAt: number): SendSmsResult {
  const documentId = readDocumentId(response.text);
  if (typeof documentId === "string" && DOCUMENT_ID.test(documentId)) {
    return { documentId, status: response.status, durationMs: performance.now() - startedAt };
  }
  const facts = responseFacts(response);
  const refusal = validationRefusal(facts);
  if (refusal !== undefined) throw refusal;
  // A success-shaped body says `"status":"OK"`: that is no error code, and a caller reporting
  // `apiCode ?? code` would otherwise file the failure under "OK".
  delete facts.apiCode;
  delete facts.apiMessage;
  const what = response.truncated
    ? `a body over ${MAX_RESPONSE_BODY_BYTES} bytes, which was not read`
    : typeof documentId === "string" && documentId !== ""
      ? `a document_id that is not an id (${describeId(documentId)})`
      : "without a document_id";
  throw errorFromFacts(
    facts,
    "KPN_BAD_RESPONSE",
    "transient",
    true,
    `KPN API answered ${response.status} ${what} (the SMS may have been sent)`,
  );
}

/** The `document_id` field of a JSON object body, whatever its type; `undefined` otherwise. */
function readDocumentId(text: string): unknown {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== "object" || body === null) return undefined;
    return (body as { document_id?: unknown }).document_id;
  } catch {
    return undefined;
  }
}

/** `6000 characters, "aaaaaaaaaaaaaaaa…"`: enough to recognise it, never the whole value. */
function describeId(id: string): string {
  const prefix = JSON.stringify(id.slice(0, SHOWN_ID_PREFIX));
  const shown = id.length > SHOWN_ID_PREFIX ? `${prefix.slice(0, -1)}…"` : prefix;
  return `${id.length} characters, ${shown}`;
}

function authFailure(facts: ResponseFacts): KpnError {
  return errorFromFacts(
    facts,
    "KPN_AUTH_FAILED",
    "auth",
    false,
    `KPN API refused a freshly fetched access token ${describeFacts(facts)}`,
  );
}
