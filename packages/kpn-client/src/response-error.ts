import { parseErrorBody } from "./error-body.js";
import { KpnError, type KpnErrorCode, type KpnErrorKind } from "./errors.js";
import { isClientFault, isRateLimitFault, isTokenFault, isValidationFault } from "./fault-codes.js";
import { parseRetryAfter } from "./retry-after.js";
import type { ApiResponse } from "./transport.js";

/** What an error response said, read once and shared by the send and token paths. */
export interface ResponseFacts {
  status: number;
  apiCode?: string;
  apiMessage?: string;
  body: string;
  headers: Record<string, string>;
  retryAfterMs?: number;
}

const MAX_MESSAGE_DETAIL = 300;
/** A `Location` is quoted in a message up to this length (undici lets headers reach 16 KiB). */
const MAX_SHOWN_LOCATION = 200;

/** Response headers as a plain record; cookies are dropped since they may hold session secrets. */
export function flattenHeaders(headers: ApiResponse["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === "set-cookie") continue;
    flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Reads status, body code and message, headers and Retry-After out of a response. */
export function responseFacts(response: ApiResponse): ResponseFacts {
  const headers = flattenHeaders(response.headers);
  const parsed = parseErrorBody(response.text);
  const facts: ResponseFacts = { status: response.status, body: response.text, headers };
  if (parsed.code !== undefined) facts.apiCode = parsed.code;
  if (parsed.message !== undefined) facts.apiMessage = parsed.message;
  const retryAfterMs = parseRetryAfter(headers["retry-after"]);
  if (retryAfterMs !== undefined) facts.retryAfterMs = retryAfterMs;
  return facts;
}

/** Whether the answer is a redirect, which the client never follows. */
export function isRedirect(facts: ResponseFacts): boolean {
  return facts.status >= 300 && facts.status < 400;
}

/** Whether the response says the bearer token (or the client behind it) was refused. */
export function isAuthFailure(facts: ResponseFacts): boolean {
  if (isRedirect(facts)) return false;
  return (
    facts.status === 401 ||
    isTokenFault(facts.apiCode, facts.body) ||
    isClientFault(facts.apiCode, facts.body)
  );
}

/** `"(400 SMS_INVALID_SENDER): sender is longer than 11 characters"`, on one line. */
export function describeFacts(facts: ResponseFacts): string {
  const code = facts.apiCode === undefined ? "" : ` ${facts.apiCode}`;
  const message = facts.apiMessage === undefined ? "" : `: ${facts.apiMessage}`;
  const detail = `(${facts.status}${code})${message}`;
  return shorten(detail, MAX_MESSAGE_DETAIL);
}

/** Builds a {@link KpnError} that carries everything the response said. */
export function errorFromFacts(
  facts: ResponseFacts,
  code: KpnErrorCode,
  kind: KpnErrorKind,
  ambiguous: boolean,
  message: string,
): KpnError {
  return new KpnError({ ...facts, code, kind, ambiguous, message });
}

/**
 * A redirect from the API: a gateway or a base URL that points at the wrong place (a login page,
 * http → https, a moved path), not a verdict on the request. Not followed, so nothing was acted
 * on, and transient, so a queue keeps its messages until the configuration is fixed rather than
 * dead-lettering all of them.
 *
 * @param label - the request, e.g. "KPN send request".
 * @param check - what to check, e.g. "baseUrl and sendPath".
 */
export function redirectFailure(facts: ResponseFacts, label: string, check: string): KpnError {
  const location = facts.headers.location;
  const target =
    location === undefined
      ? " without a Location"
      : ` to ${JSON.stringify(shorten(location, MAX_SHOWN_LOCATION))}`;
  return errorFromFacts(
    facts,
    "KPN_REDIRECTED",
    "transient",
    false,
    `${label} was redirected (${facts.status})${target}; redirects are not followed: check ${check}`,
  );
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A refusal of the message itself, whatever status carried it: a validation error in the body
 * means the API checked the message and will refuse it again, so it is permanent and nothing was
 * sent.
 */
export function validationRefusal(facts: ResponseFacts): KpnError | undefined {
  if (!isValidationFault(facts.apiCode, facts.apiMessage, facts.body)) return undefined;
  return errorFromFacts(
    facts,
    "KPN_REJECTED",
    "permanent",
    false,
    `KPN API rejected the message ${describeFacts(facts)}`,
  );
}

/**
 * Classifies a failed send response (anything but a 2xx and an auth failure, which the client
 * handles itself). A 3xx is {@link redirectFailure}. Only 500, 502, 504 and unknown 5xx are ambiguous: 503 and 501/505 say the
 * request was not acted on, and 4xx/429 refuse it before it is handled. A 5xx whose body is a
 * validation error is a refusal like a 400.
 */
export function sendFailure(facts: ResponseFacts): KpnError {
  // Before anything read from the body: a redirect's body is the gateway's, not the API's.
  if (isRedirect(facts)) {
    return redirectFailure(facts, "KPN send request", "baseUrl and sendPath");
  }
  const { status } = facts;
  const detail = describeFacts(facts);
  if (status === 429 || isRateLimitFault(facts.apiCode)) {
    const wait =
      facts.retryAfterMs === undefined
        ? ""
        : `; retry after ${Math.ceil(facts.retryAfterMs / 1000)} s`;
    return errorFromFacts(
      facts,
      "KPN_RATE_LIMITED",
      "rate_limited",
      false,
      `KPN API rate limit hit ${detail}${wait}`,
    );
  }
  if (status === 408) {
    return errorFromFacts(
      facts,
      "KPN_SERVER_ERROR",
      "transient",
      false,
      `KPN API timed out waiting for the request ${detail}`,
    );
  }
  if (status >= 400 && status < 500) {
    return errorFromFacts(
      facts,
      "KPN_REJECTED",
      "permanent",
      false,
      `KPN API rejected the message ${detail}`,
    );
  }
  const refusal = validationRefusal(facts);
  if (refusal !== undefined) return refusal;
  const ambiguous = status !== 503 && status !== 501 && status !== 505;
  return errorFromFacts(
    facts,
    "KPN_SERVER_ERROR",
    "transient",
    ambiguous,
    `KPN API server error ${detail}`,
  );
}
