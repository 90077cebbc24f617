import { formatZodIssues, type SmsValidationIssue } from "@sms-relay/producer";

/** The issues of an `SmsValidationError` (checked by `code`), else `undefined`. */
export function validationIssues(error: unknown): readonly SmsValidationIssue[] | undefined {
  const { code, issues } = (error ?? {}) as { code?: unknown; issues?: unknown };
  return code === "SMS_VALIDATION" && Array.isArray(issues) ? issues : undefined;
}

/**
 * The producer's one-line message with each field named as the user wrote it (`--key` for
 * `idempotencyKey` on the command line, `key` in a CSV header); other fields keep their name.
 *
 * @example
 * describeIssues(error.issues, { to: "--to" }); // "--to: phone number must start with 06 or 097, …"
 */
export function describeIssues(
  issues: readonly SmsValidationIssue[],
  names: Readonly<Record<string, string>>,
): string {
  return formatZodIssues(
    issues.map(({ path, message }) => {
      const [field, ...rest] = path;
      const name = typeof field === "string" ? names[field] : undefined;
      return { path: name === undefined ? path : [name, ...rest], message };
    }),
  );
}
