/** Stable codes of {@link SmsInputError}, one per kind of input. */
export type SmsInputErrorCode = "SMS_INVALID_NUMBER" | "SMS_INVALID_SENDER" | "SMS_INVALID_CONTENT";

/** Options of {@link SmsInputError}. */
export interface SmsInputErrorOptions {
  /**
   * The offending input in a form that is safe to log: a phone number is masked
   * (`+316****5678`), a sender is given as typed, message content is never included.
   * @default undefined
   */
  input?: string;
  /** The underlying error, when there is one. @default undefined */
  cause?: unknown;
}

/**
 * Thrown when a phone number, sender or content cannot be used for an SMS.
 *
 * The message says what was wrong and what was expected. It never quotes a phone number or
 * message content, because validation errors travel into logs and job records; the masked
 * number is available as {@link SmsInputError.input}. Check errors by `code` or `name`, not
 * with `instanceof`, which fails across copies of this package.
 */
export class SmsInputError extends Error {
  override readonly name = "SmsInputError";
  /** What kind of input was refused. */
  readonly code: SmsInputErrorCode;
  /** The offending input, safe to log (see {@link SmsInputErrorOptions.input}). */
  readonly input?: string;

  constructor(code: SmsInputErrorCode, message: string, options: SmsInputErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.input !== undefined) this.input = options.input;
  }
}

/** Rejects content that is not a string at run time, where job data can come from anywhere. */
export function assertText(text: unknown): asserts text is string {
  if (typeof text !== "string") {
    throw new SmsInputError("SMS_INVALID_CONTENT", `content must be a string; got ${typeof text}`);
  }
}
