/**
 * A Redis (or any) URL fit for a log line or an error message: the password is replaced by
 * `****`. A value that does not parse as a URL is still scrubbed of anything between `//` and `@`,
 * since a malformed URL can carry credentials too.
 */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = "****";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return value.replace(/\/\/[^/@\s]*@/, "//****@").replace(/:[^:/@\s]*@/, ":****@");
  }
}
