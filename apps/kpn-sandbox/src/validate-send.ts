import { maskMobileNumber } from "./mask.js";
import { MOBILE_NUMBER, splitRecipients } from "./recipients.js";
import type { ReceivedMessage } from "./types.js";

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
  /** Most messages × recipients. */
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
): { error: SendValidationError } | { message: ReceivedMessage; recipients: number } {
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
  const recipients = splitRecipients(mobileNumber);
  if (recipients.length === 1 && !MOBILE_NUMBER.test(mobileNumber)) {
    return fail(
      "INVALID_MOBILE_NUMBER",
      "mobile_number must be a Dutch mobile number (06…, +316…, 00316… or the 097 range)",
      `${at}.mobile_number`,
    );
  }
  for (let position = 0; position < recipients.length; position++) {
    const recipient = recipients[position] ?? "";
    if (MOBILE_NUMBER.test(recipient)) continue;
    // Masked: a client may log this answer, and the position already names the number.
    const shown = recipient === "" ? "an empty entry" : `"${maskMobileNumber(recipient)}"`;
    return fail(
      "INVALID_MOBILE_NUMBER",
      `mobile_number entry ${position + 1} of ${recipients.length} (${shown}) must be a Dutch mobile number (06…, +316…, 00316… or the 097 range)`,
      `${at}.mobile_number[${position}]`,
    );
  }
  return { message: { content, mobileNumber }, recipients: recipients.length };
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
  let recipients = 0;
  for (let index = 0; index < messages.length; index++) {
    const result = checkMessage(messages[index], index, limits);
    if ("error" in result) return result;
    checked.push(result.message);
    recipients += result.recipients;
    if (recipients > limits.maxMessages) {
      return fail(
        "TOO_MANY_RECIPIENTS",
        `At most ${limits.maxMessages} messages × recipients per request (more by messages[${index}])`,
        `messages[${index}].mobile_number`,
      );
    }
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
