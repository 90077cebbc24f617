import pRetry from "p-retry";
import { type Dispatcher, Pool } from "undici";
import type { KpnError } from "./errors.js";
import { type KpnClientOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import {
  describeFacts,
  errorFromFacts,
  isAuthFailure,
  type ResponseFacts,
  responseFacts,
  sendFailure,
} from "./response-error.js";
import { createTokenCache, type TokenCache } from "./token-cache.js";
import { type ApiResponse, isConnectFailure, postToApi } from "./transport.js";
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
  const tokens = createTokenCache(resolved, dispatcher);
  let closing: Promise<void> | undefined;

  return {
    send: (request) => send(resolved, dispatcher, tokens, request),
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

async function send(
  options: ResolvedOptions,
  dispatcher: Dispatcher,
  tokens: TokenCache,
  request: SendSmsRequest,
): Promise<SendSmsResult> {
  const startedAt = performance.now();
  const body = encodeSendBody(request);
  const { signal } = request;
  // Only connect failures are retried here: not a byte went out, so no duplicate is possible.
  const result = await pRetry(() => sendWithFreshToken(options, dispatcher, tokens, body, signal), {
    retries: options.connectRetries,
    minTimeout: CONNECT_RETRY_MIN_DELAY_MS,
    factor: 2,
    maxRetryTime: options.timeoutMs,
    shouldRetry: ({ error }) => isConnectFailure(error) && signal?.aborted !== true,
  });
  return { ...result, durationMs: performance.now() - startedAt };
}

/**
 * Sends with the cached token; when the gateway refuses the token, sends once more at once with
 * a new one. That is safe: a refused token means the request was never handled.
 */
async function sendWithFreshToken(
  options: ResolvedOptions,
  dispatcher: Dispatcher,
  tokens: TokenCache,
  body: string,
  signal: AbortSignal | undefined,
): Promise<Omit<SendSmsResult, "durationMs">> {
  const firstToken = await tokens.get(signal);
  const first = await post(options, dispatcher, firstToken, body, signal);
  if (first.status >= 200 && first.status < 300) return accepted(first);
  const firstFacts = responseFacts(first);
  if (!isAuthFailure(firstFacts)) throw sendFailure(firstFacts);

  tokens.invalidate(firstToken);
  const secondToken = await tokens.get(signal);
  const second = await post(options, dispatcher, secondToken, body, signal);
  if (second.status >= 200 && second.status < 300) return accepted(second);
  const secondFacts = responseFacts(second);
  if (!isAuthFailure(secondFacts)) throw sendFailure(secondFacts);
  tokens.invalidate(secondToken);
  throw authFailure(secondFacts);
}

function post(
  options: ResolvedOptions,
  dispatcher: Dispatcher,
  token: string,
  body: string,
  signal: AbortSignal | undefined,
): Promise<ApiResponse> {
  return postToApi(dispatcher, options.origin, {
    label: "KPN send request",
    path: options.sendPath,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": options.userAgent,
    },
    body,
    timeoutMs: options.timeoutMs,
    signal,
    actsOnApi: true,
  });
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
 * A 2xx must carry a `document_id`. Without one it is reported as transient and ambiguous: the
 * API took the request and may have sent it, yet gave us nothing to prove it. Retrying risks a
 * duplicate; dropping it risks a lost SMS, and the worker's policy is at-least-once.
 */
function accepted(response: ApiResponse): Omit<SendSmsResult, "durationMs"> {
  const documentId = readDocumentId(response.text);
  if (documentId !== undefined) return { documentId, status: response.status };
  throw errorFromFacts(
    responseFacts(response),
    "KPN_BAD_RESPONSE",
    "transient",
    true,
    `KPN API answered ${response.status} without a document_id (the SMS may have been sent)`,
  );
}

function readDocumentId(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== "object" || body === null) return undefined;
    const id = (body as { document_id?: unknown }).document_id;
    return typeof id === "string" && id !== "" ? id : undefined;
  } catch {
    return undefined;
  }
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
