/**
 * Gateway fault codes that mean "the access token is bad or expired". KPN's Apigee gateway has
 * been seen sending these under a 500, so they count whatever the status. Matched as suffixes,
 * lower-cased, because Apigee versions prefix them differently (`steps.oauth.v2.…`).
 */
const TOKEN_FAULTS = [
  "oauth.v2.invalidaccesstoken",
  "oauth.v2.accesstokenexpired",
  "keymanagement.service.invalid_access_token",
  "keymanagement.service.access_token_expired",
];

/** Codes that mean the client id or secret were refused. */
const CLIENT_FAULTS = [
  "invalid_client",
  "oauth.v2.invalidclientidentifier",
  "keymanagement.service.invalid_client-invalid_client_id",
];

/** Apigee quota and spike-arrest policies: nothing was sent, slow down. */
const RATE_LIMIT_FAULTS = ["quotaviolation", "spikearrestviolation"];

function matches(code: string | undefined, suffixes: readonly string[]): boolean {
  if (code === undefined) return false;
  const lower = code.toLowerCase();
  return suffixes.some((suffix) => lower.endsWith(suffix));
}

function mentions(body: string, needles: readonly string[]): boolean {
  // Only short bodies are searched: a long text that happens to quote a code is not a fault.
  if (body.length > 2000) return false;
  const lower = body.toLowerCase();
  return needles.some((needle) => lower.includes(needle));
}

/** Whether an error body says the bearer token was refused (so a new token may help). */
export function isTokenFault(apiCode: string | undefined, body: string): boolean {
  return matches(apiCode, TOKEN_FAULTS) || mentions(body, TOKEN_FAULTS);
}

/** Whether an error body says the client credentials were refused. */
export function isClientFault(apiCode: string | undefined, body: string): boolean {
  return matches(apiCode, CLIENT_FAULTS) || mentions(body, CLIENT_FAULTS);
}

/** Whether an error body says a gateway quota or spike arrest refused the call. */
export function isRateLimitFault(apiCode: string | undefined): boolean {
  return matches(apiCode, RATE_LIMIT_FAULTS);
}

/**
 * Words of a validation refusal: the API checked the message (number, sender, content, size) and
 * will refuse it again, whatever the HTTP status it came with.
 */
const VALIDATION_WORDS =
  /invalid|validation|missing|required|too[ _-]?long|too[ _-]?many|exceed|not[ _-]?allowed|malformed/i;

/** Apigee's own faults speak of the gateway or the target ("Invalid response from target"). */
const GATEWAY_FAULT = /^\s*\{\s*"fault"\s*:/;

/**
 * Whether an error body is a validation refusal, by its code or message. Token, client and quota
 * faults are not (`oauth.v2.InvalidAccessToken` says "invalid" about the token, not the message),
 * nor is anything in the gateway's `fault` shape.
 */
export function isValidationFault(
  apiCode: string | undefined,
  apiMessage: string | undefined,
  body: string,
): boolean {
  if (apiCode === undefined && apiMessage === undefined) return false;
  if (isTokenFault(apiCode, body) || isClientFault(apiCode, body) || isRateLimitFault(apiCode)) {
    return false;
  }
  if (GATEWAY_FAULT.test(body)) return false;
  return VALIDATION_WORDS.test(apiCode ?? "") || VALIDATION_WORDS.test(apiMessage ?? "");
}
