import { createHash, randomUUID } from "node:crypto";
import type { JobsOptions } from "bullmq";
import { SmsValidationError } from "./errors.js";
import { isWellFormedText } from "./text-checks.js";

/** Backoff type of `sms` jobs; the worker installs `settings.backoffStrategy` for it. */
export const SMS_BACKOFF_TYPE = "sms";

/**
 * Options the producer sets on every `sms` job (besides `jobId`, `delay` and `priority`).
 *
 * `attempts` is only a ceiling: the worker owns the real limit (`SMS_MAX_ATTEMPTS`) and
 * dead-letters the job itself. Retention (`removeOnComplete`, `removeOnFail`) is deliberately
 * not set here: the worker sets it, and it is also the idempotency window.
 */
export const SMS_JOB_DEFAULTS = {
  attempts: 100,
  backoff: { type: SMS_BACKOFF_TYPE },
} as const satisfies JobsOptions;

/** Characters of the sha256 hex digest kept in an idempotent job id. */
const KEY_HASH_LENGTH = 40;

/**
 * The job id of an SMS: deterministic for an idempotency key (`k-` and the first 40 hex
 * characters of its sha256, so the same key always maps to the same job and no key text ends up
 * in Redis key names), otherwise a random UUID. Neither is a plain integer or contains `:`,
 * which BullMQ forbids.
 *
 * The key is hashed as it is, in UTF-8, which is one-to-one for well-formed text, so different
 * keys never share a job (no normalization: `"é"` composed and decomposed are two keys). A key
 * with a lone surrogate has no UTF-8 form (each becomes U+FFFD) and throws
 * {@link SmsValidationError}.
 */
export function smsJobId(idempotencyKey?: string): string {
  if (idempotencyKey === undefined) return randomUUID();
  if (!isWellFormedText(idempotencyKey)) {
    throw new SmsValidationError([
      {
        code: "custom",
        path: ["idempotencyKey"],
        message: "must be well-formed UTF-16 text (it holds a lone surrogate)",
      },
    ]);
  }
  const digest = createHash("sha256").update(idempotencyKey, "utf8").digest("hex");
  return `k-${digest.slice(0, KEY_HASH_LENGTH)}`;
}

/**
 * Options for adding a record to the dead-letter queue: its id is the `sms` job id, so
 * `status()` and `redrive()` can find it. Records are kept until redriven or purged.
 */
export function deadLetterJobOptions(smsJobId: string): JobsOptions {
  return { jobId: smsJobId, removeOnComplete: false, removeOnFail: false };
}
