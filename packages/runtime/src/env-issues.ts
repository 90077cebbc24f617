import type { z } from "zod";
import { redactUrl } from "./redact-url.js";

/** Options of {@link describeEnvIssues}. */
export interface DescribeEnvIssuesOptions {
  /** Variables whose values are never shown, e.g. `KPN_CLIENT_SECRET`. @default none */
  secrets?: ReadonlySet<string>;
}

/** One line naming every bad variable, and the variables in the order the issues name them. */
export interface EnvIssuesDescription {
  message: string;
  variables: string[];
}

/**
 * Describes zod issues of an environment schema on one line: `REDIS_URL must be a URL … (got
 * "http://user:****@host")`. A value is shown to help the operator spot a typo, except for
 * secrets (hidden) and URLs (password masked, even when the URL does not parse).
 */
export function describeEnvIssues(
  issues: readonly z.core.$ZodIssue[],
  input: Record<string, string | undefined>,
  options: DescribeEnvIssuesOptions = {},
): EnvIssuesDescription {
  const variables: string[] = [];
  const parts: string[] = [];
  for (const issue of issues) {
    const variable = String(issue.path[0] ?? "environment");
    if (variables.includes(variable)) continue;
    variables.push(variable);
    parts.push(`${variable} ${issue.message}${describeValue(variable, input[variable], options)}`);
  }
  return { message: parts.join("; "), variables };
}

function describeValue(
  variable: string,
  value: string | undefined,
  options: DescribeEnvIssuesOptions,
): string {
  if (value === undefined) return "";
  if (options.secrets?.has(variable)) return " (value hidden)";
  const shown = variable.endsWith("_URL") || value.includes("://") ? redactUrl(value) : value;
  return ` (got ${JSON.stringify(shown.length > 200 ? `${shown.slice(0, 200)}…` : shown)})`;
}
