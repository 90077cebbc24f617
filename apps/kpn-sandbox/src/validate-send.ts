import type { ReceivedMessage } from "./types.js";

/**
 * Dutch mobile numbers in the three documented forms (`06…`, `+316…`, `00316…`): the 06 range
 * with 8 digits after the 6, or the 097 machine-to-machine range with 9 digits after the 97.
 * 060, 067 and 069 are not valid mobile ranges. Spaces and dashes are refused on purpose: the
 * client is expected to normalise numbers, and the sandbox exists to catch it when it does not.
 */
const MOBILE_NUMBER = /^(?:0|\+31|0031)(?:6[1-68]\d{7}|97\d{9})$/;
const NUMERIC = /^\d+$/;
const MAX_SENDER_LENGTH = 11;

/** A send body that passed validation. */
export interface ValidSend {
  messages: ReceivedMessage[];
  sender: string;
  webhookUrl?: string;
  expirein?: string;
}

/** The API's own error body: `{"errorResponse":{"code","message","info"}}`. */
export interface SendValidationError {
  code: string;
  message: string;
  info: string;
}

/** Limits a send is checked against. */
export interface SendLimits {
  maxContentLength: number;
  maxMessages: number;
}

/** True when the header names JSON (`application/json`, any `+json`, with parameters). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

function fail(code: string, message: string, info: string): { error: SendValidationError } {
  return { error: { code, message, info } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function checkMessage(
  message: unknown,
  index: number,
  limits: SendLimits,
): { error: SendValidationError } | { message: ReceivedMessage } {
  const at = `messages[${index}]`;
  if (!isRecord(message)) {
    return fail("INVALID_MESSAGE", "Each message must be an object", at);
  }
  const { content, mobile_number: mobileNumber } = message;
  if (typeof content !== "string" || content.length === 0) {
    return fail("INVALID_CONTENT", "content is required and must be a non-empty string", at);
  }
  if (content.length > limits.maxContentLength) {
    return fail(
      "CONTENT_TOO_LONG",
      `content is longer than ${limits.maxContentLength} characters (${content.length})`,
      `${at}.content`,
    );
  }
  if (typeof mobileNumber !== "string" || mobileNumber.length === 0) {
    return fail("MISSING_MOBILE_NUMBER", "mobile_number is required", `${at}.mobile_number`);
  }
  if (!MOBILE_NUMBER.test(mobileNumber)) {
    return fail(
      "INVALID_MOBILE_NUMBER",
      "mobile_number must be a Dutch mobile number (06…, +316…, 00316… or the 097 range)",
      `${at}.mobile_number`,
    );
  }
  return { message: { content, mobileNumber } };
}

/**
 * Validates a parsed send body the way the API does, stopping at the first problem.
 * `info` names the offending field, such as `messages[2].mobile_number`.
 */
export function validateSend(
  body: unknown,
  limits: SendLimits,
): { error: SendValidationError } | { send: ValidSend } {
  if (!isRecord(body)) {
    return fail("INVALID_REQUEST", "The request body must be a JSON object", "body");
  }
  const { messages, sender, webhook_url: webhookUrl, expirein } = body;
  if (!Array.isArray(messages) || messages.length === 0) {
    return fail(
      "MISSING_MESSAGES",
      "messages is required and must be a non-empty array",
      "messages",
    );
  }
  if (messages.length > limits.maxMessages) {
    return fail(
      "TOO_MANY_MESSAGES",
      `At most ${limits.maxMessages} messages per request (got ${messages.length})`,
      "messages",
    );
  }
  const checked: ReceivedMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const result = checkMessage(messages[index], index, limits);
    if ("error" in result) return result;
    checked.push(result.message);
  }
  if (typeof sender !== "string" || sender.length === 0 || sender.length > MAX_SENDER_LENGTH) {
    return fail(
      "INVALID_SENDER",
      `sender is required and must be 1 to ${MAX_SENDER_LENGTH} characters`,
      "sender",
    );
  }
  const send: ValidSend = { messages: checked, sender };
  if (webhookUrl !== undefined) {
    if (typeof webhookUrl !== "string" || !isHttpUrl(webhookUrl)) {
      return fail("INVALID_WEBHOOK_URL", "webhook_url must be an http(s) URL", "webhook_url");
    }
    send.webhookUrl = webhookUrl;
  }
  if (expirein !== undefined) {
    if (typeof expirein !== "string" || !NUMERIC.test(expirein)) {
      return fail(
        "INVALID_EXPIREIN",
        "expirein must be a number of seconds, as a string",
        "expirein",
      );
    }
    send.expirein = expirein;
  }
  return { send };
}
