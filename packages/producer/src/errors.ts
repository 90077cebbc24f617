import { formatZodIssues, type SmsValidationIssue } from "./format-zod-issues.js";

/**
 * Thrown when input to {@link SmsProducer.send} (or one item of `sendMany`) is not acceptable.
 * Nothing was enqueued. The message is one line naming each bad field.
 */
export class SmsValidationError extends Error {
  override readonly name = "SmsValidationError";
  /** Stable code to check instead of `instanceof`, which breaks across package copies. */
  readonly code = "SMS_VALIDATION";
  /** The zod issues, each with the `path` of the bad field. */
  readonly issues: readonly SmsValidationIssue[];

  constructor(issues: readonly SmsValidationIssue[], options?: { cause?: unknown }) {
    super(formatZodIssues(issues), options);
    this.issues = issues;
  }
}

/**
 * Stable codes of {@link SmsProducerError}.
 * - `SMS_QUEUE_UNAVAILABLE`: Redis did not answer: it is unreachable, was not ready within
 *   `connectTimeoutMs`, did not answer within `operationTimeoutMs`, or a command failed. Whether a
 *   send that failed this way was enqueued is unknown (a timed-out add may still land later);
 *   retrying it with the same `idempotencyKey` is safe and then reports `deduplicated: true`.
 * - `SMS_INVALID_OPTIONS`: the options given to a constructor are not acceptable.
 * - `SMS_PRODUCER_CLOSED`: the producer or dead-letter queue was used after `close()`.
 */
export type SmsProducerErrorCode =
  | "SMS_QUEUE_UNAVAILABLE"
  | "SMS_INVALID_OPTIONS"
  | "SMS_PRODUCER_CLOSED";

/** Every failure of the producer that is not bad input. The message is one line. */
export class SmsProducerError extends Error {
  override readonly name = "SmsProducerError";
  readonly code: SmsProducerErrorCode;

  constructor(code: SmsProducerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
