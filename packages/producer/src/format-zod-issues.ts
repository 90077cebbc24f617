import type { z } from "zod";

/** A zod issue as carried by {@link SmsValidationError.issues}. */
export type SmsValidationIssue = z.core.$ZodIssue;

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "input";
  return path.map((key) => (typeof key === "symbol" ? key.toString() : String(key))).join(".");
}

/**
 * Formats zod issues as one line naming each field, for error messages and CLI output.
 *
 * @example
 * formatZodIssues(result.error.issues);
 * // "to: not a Dutch mobile number; sender: not a valid sender (1 to 11 characters)"
 */
export function formatZodIssues(
  issues: readonly Pick<SmsValidationIssue, "path" | "message">[],
): string {
  return issues
    .map((issue) => `${formatPath(issue.path)}: ${issue.message.replace(/\s+/g, " ").trim()}`)
    .join("; ");
}
