import { type DeadLetterReason, deadLetterReasonSchema } from "@sms-relay/producer";

/**
 * What each reason an SMS is dead-lettered for means, for help texts. Typed against the
 * producer's reasons, so that a new one fails the build here until it is described.
 */
const MEANINGS = {
  rejected: "the API refused it for good",
  exhausted: "retryable failures outlasted the worker's SMS_MAX_ATTEMPTS",
  invalid: "its job data failed validation in the worker",
  expired: "its expiry (ttlSeconds, expiresAt) passed before it could be sent",
} as const satisfies Record<DeadLetterReason, string>;

/** Every reason, in the producer's order: `rejected`, `exhausted`, `invalid`, `expired`. */
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = deadLetterReasonSchema.options;

/** The reasons by name: `"rejected, exhausted, invalid or expired"`. */
export const REASON_NAMES = `${DEAD_LETTER_REASONS.slice(0, -1).join(", ")} or ${DEAD_LETTER_REASONS.at(-1)}`;

/** One indented line per reason with what it means, names aligned. */
export function reasonTable(indent = "  "): string {
  const width = Math.max(...DEAD_LETTER_REASONS.map((reason) => reason.length)) + 2;
  return DEAD_LETTER_REASONS.map(
    (reason) => `${indent}${reason.padEnd(width)}${MEANINGS[reason]}`,
  ).join("\n");
}
