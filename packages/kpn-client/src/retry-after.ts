const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Longest delay {@link parseRetryAfter} gives: a day, the longest quota window an API gateway
 * sets. A larger value (or `"9999…"`, which would be `Infinity`) is a faulty header, and taken
 * at its word it would stop a queue for good.
 */
export const MAX_RETRY_AFTER_MS = 86_400_000;
const MAX_DATE_LENGTH = 64;

/**
 * Milliseconds to wait according to a `Retry-After` header, given either as delay-seconds
 * (`"120"`) or as an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`). A date in the past gives 0;
 * anything longer than a day gives a day ({@link MAX_RETRY_AFTER_MS}).
 *
 * @param value - the header value; `undefined` or an unreadable value gives `undefined`.
 * @param now - the current time in epoch milliseconds, for dates. @default Date.now()
 * @example
 * parseRetryAfter("2"); // 2000
 * parseRetryAfter(new Date(Date.now() + 5000).toUTCString()); // about 5000
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (DELAY_SECONDS.test(trimmed)) {
    return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(trimmed) * 1000));
  }
  // No HTTP date is this long; Date.parse need not read a header of any size.
  if (trimmed.length > MAX_DATE_LENGTH) return undefined;
  // Date.parse reads far more than HTTP dates; demanding a letter keeps stray numbers like "-1" out.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}
