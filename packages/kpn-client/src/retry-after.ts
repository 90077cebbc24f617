const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Milliseconds to wait according to a `Retry-After` header, given either as delay-seconds
 * (`"120"`) or as an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`). A date in the past gives 0.
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
  if (DELAY_SECONDS.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Date.parse reads far more than HTTP dates; demanding a letter keeps stray numbers like "-1" out.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
