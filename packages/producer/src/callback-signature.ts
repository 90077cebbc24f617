import { createHmac, timingSafeEqual } from "node:crypto";
import type { SmsDelivery } from "./delivery-state.js";
import type { DeadLetterReason } from "./job-schemas.js";

/** One status event of an SMS, as POSTed to its `callbackUrl`. */
export interface SmsCallbackEvent {
  /** The SMS's job id. */
  id: string;
  /** `sent`: the API accepted it; `dead`: it was dead-lettered; `delivery`: its delivery state changed. */
  event: "sent" | "dead" | "delivery";
  /** The SMS's state (`sent` or `dead`). */
  state: "sent" | "dead";
  /** Why it will not be sent, for `dead`. */
  deadReason?: DeadLetterReason;
  delivery: SmsDelivery;
  documentIds: string[];
  /** The recipient, `+316…`. */
  to: string;
  /** When the event happened (ISO). */
  at: string;
}

/** Headers of a status callback. */
export const CALLBACK_HEADERS = {
  eventId: "x-sms-relay-event-id",
  timestamp: "x-sms-relay-timestamp",
  signature: "x-sms-relay-signature",
} as const;

/** Codes of {@link SmsCallbackError}. */
export type SmsCallbackErrorCode = "SMS_CALLBACK_SIGNATURE" | "SMS_CALLBACK_STALE";

/** A status callback that must not be trusted: its signature is wrong or missing, or it is old. */
export class SmsCallbackError extends Error {
  override readonly name = "SmsCallbackError";
  readonly code: SmsCallbackErrorCode;

  constructor(code: SmsCallbackErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** `sha256=<hex>`: the HMAC-SHA256 of `<timestamp>.<raw body>` with the secret. */
export function signCallback(body: string, secret: string, timestampSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `sha256=${mac}`;
}

/** Options of {@link verifyCallback}. */
export interface VerifyCallbackOptions {
  /** The raw request body, exactly as received (a string or the bytes). */
  body: string | Buffer;
  /** The request headers (Node's `req.headers`, a `Headers`, or a plain record). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** `SMS_CALLBACK_SECRET` of the worker. */
  secret: string;
  /** Oldest timestamp accepted, against replays. @default 300 */
  toleranceSeconds?: number;
  /** @default Date.now */
  now?: () => number;
}

function header(headers: VerifyCallbackOptions["headers"], name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const value =
    record[name] ??
    Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1] ??
    undefined;
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a status callback in one line and returns its event; throws {@link SmsCallbackError}
 * (`SMS_CALLBACK_SIGNATURE`, `SMS_CALLBACK_STALE`) otherwise. Compares in constant time.
 *
 * @example
 * const event = verifyCallback({ body: rawBody, headers: req.headers, secret });
 * // de-duplicate on req.headers["x-sms-relay-event-id"]: a retried event carries the same id
 */
export function verifyCallback(options: VerifyCallbackOptions): SmsCallbackEvent {
  const { secret, toleranceSeconds = 300, now = Date.now } = options;
  const body = typeof options.body === "string" ? options.body : options.body.toString("utf8");
  const timestamp = header(options.headers, CALLBACK_HEADERS.timestamp);
  const signature = header(options.headers, CALLBACK_HEADERS.signature);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) {
    throw new SmsCallbackError(
      "SMS_CALLBACK_SIGNATURE",
      "status callback without a valid X-SMS-Relay-Timestamp and X-SMS-Relay-Signature",
    );
  }
  const expected = Buffer.from(signCallback(body, secret, Number(timestamp)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SmsCallbackError(
      "SMS_CALLBACK_SIGNATURE",
      "status callback signature does not match",
    );
  }
  const ageSeconds = Math.abs(now() / 1000 - Number(timestamp));
  if (ageSeconds > toleranceSeconds) {
    throw new SmsCallbackError(
      "SMS_CALLBACK_STALE",
      `status callback timestamp is ${Math.round(ageSeconds)} s off, more than ${toleranceSeconds} s`,
    );
  }
  return JSON.parse(body) as SmsCallbackEvent;
}
