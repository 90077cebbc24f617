import { isMobileNumber, validateSender } from "@sms-relay/sms";
import { z } from "zod";
import { contentProblem } from "./text-checks.js";

/** How the text of an SMS is encoded on the air. */
export const smsEncodingSchema = z.enum(["GSM-7", "UCS-2"]);
/** `"GSM-7"` (160 septets a message) or `"UCS-2"` (70 code units a message). */
export type SmsEncoding = z.infer<typeof smsEncodingSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * SMS text: never empty, and nothing an SMS should not carry (see {@link contentProblem}).
 * Content that a producer of any version accepted is still accepted, unless it held control
 * characters, lone surrogates or nothing visible, which the API should never have been sent.
 */
export const smsContentSchema = z
  .string()
  .min(1, "must not be empty")
  .superRefine((text, context) => {
    const problem = contentProblem(text);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function senderIsValid(value: string): boolean {
  try {
    validateSender(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Data of a job on the `sms` queue, checked by the producer on add and by the worker on receive.
 *
 * Unknown extra keys are stripped rather than rejected, so a newer producer that adds an optional
 * field does not get its jobs dead-lettered by an older worker. A change to a known field needs a
 * new `v`.
 */
export const smsJobDataSchema = z.object({
  /** Version of this shape. */
  v: z.literal(1),
  /** Recipient, already normalized: `+316XXXXXXXX` or `+3197XXXXXXXXX`. */
  to: z.string().refine(isMobileNumber, "not a normalized Dutch mobile number (+316… or +3197…)"),
  /** The text as it will be sent; never empty, nothing invisible only, no control characters. */
  content: smsContentSchema,
  /** Sender name or short code as KPN shows it (at most 11 characters). */
  sender: z.string().refine(senderIsValid, "not a valid sender (1 to 11 characters)"),
  /** When the producer accepted the message. */
  createdAt: isoDateTime,
  /** The caller's idempotency key, when one was given. */
  idempotencyKey: z.string().min(1).max(200).optional(),
  /** After this moment the SMS is never sent: the worker dead-letters it as `expired`. */
  expiresAt: isoDateTime.optional(),
  /** Where status events of this SMS are POSTed (`http:` or `https:`). */
  callbackUrl: z
    .string()
    .max(2000)
    .refine(isHttpUrl, "must be an http:// or https:// URL")
    .optional(),
});
/** Data of a job on the `sms` queue. */
export type SmsJobData = z.infer<typeof smsJobDataSchema>;

/** Return value of a completed `sms` job. */
export const smsJobResultSchema = z.object({
  /** One KPN `document_id` per request, in the order the parts were sent. */
  documentIds: z.array(z.string()),
  /** How many messages (API requests) the content was split into. */
  parts: z.number().int().nonnegative(),
  /** Billed SMS segments over all parts. */
  segments: z.number().int().nonnegative(),
  encoding: smsEncodingSchema,
  /** When the last part was accepted by the API. */
  sentAt: isoDateTime,
});
/** Return value of a completed `sms` job. */
export type SmsJobResult = z.infer<typeof smsJobResultSchema>;

/**
 * What the worker records on an `sms` job (with `job.updateProgress()`) the moment the API
 * accepts a part, so that a retry never resends a part that already went out.
 */
export const smsJobProgressSchema = z.object({
  /** `document_id`s of the parts already accepted, in order. */
  documentIds: z.array(z.string()),
  /** How many parts have been accepted; the next attempt starts at this part. */
  partsSent: z.number().int().nonnegative(),
});
/** Progress of an `sms` job: the parts already accepted by the API. */
export type SmsJobProgress = z.infer<typeof smsJobProgressSchema>;

/** Why an SMS was dead-lettered. */
export const deadLetterReasonSchema = z.enum(["rejected", "exhausted", "invalid", "expired"]);
/**
 * - `rejected`: the API refused it for good (400, 403, 404, 405, 412, or a validation error).
 * - `exhausted`: retryable failures outlasted the worker's `SMS_MAX_ATTEMPTS`.
 * - `invalid`: the job data itself failed validation in the worker.
 * - `expired`: its `expiresAt` passed before it could be sent; the API was not called for it.
 */
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

/** The last error of a dead-lettered SMS. Never holds credentials. */
export const deadLetterErrorSchema = z.object({
  message: z.string(),
  /** HTTP status of the API answer, when there was one. */
  status: z.number().int().optional(),
  /** Stable error code (the client's or the API's). */
  code: z.string().optional(),
  /** Raw API answer, truncated. */
  body: z.string().optional(),
});

/**
 * Data of a job on the `sms-dead-letter` queue.
 *
 * `message` is the `sms` job data. For `reason: "invalid"` that data failed validation, so it is
 * whatever the job held: read its fields as `unknown` unless `reason` is `rejected`/`exhausted`.
 */
export const deadLetterJobDataSchema = z.object({
  v: z.literal(1),
  /** Id of the `sms` job; the dead-letter job has the same id. */
  jobId: z.string().min(1),
  /** The `sms` job data (as it came, for `invalid`). */
  message: z.union([smsJobDataSchema, z.record(z.string(), z.unknown())]),
  reason: deadLetterReasonSchema,
  error: deadLetterErrorSchema,
  /** Attempts including the failing one: a first-try rejection shows 1. */
  attemptsMade: z.number().int().nonnegative(),
  /** `document_id`s of parts that did go out before the failure (multi-part messages only). */
  documentIds: z.array(z.string()),
  failedAt: isoDateTime,
});
/** Data of a job on the `sms-dead-letter` queue. */
export type DeadLetterJobData = z.infer<typeof deadLetterJobDataSchema>;
