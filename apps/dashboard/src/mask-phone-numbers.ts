/**
 * Masking of phone numbers in what the dashboard shows: `+31612345678` → `+316****5678`, the
 * format of `maskMobileNumber` in `@sms-relay/sms`. Job data can hold numbers outside the known
 * fields (an API error body, for one), so strings are scanned as well as the `to` fields masked.
 */

/** International numbers as the producer stores them, and as an API may echo them. */
const INTERNATIONAL_NUMBER = /\+\d{8,15}(?!\d)/g;
/** Local Dutch mobile numbers (`0612345678`), which an `invalid` dead letter may still hold. */
const LOCAL_MOBILE_NUMBER = /(?<!\d)06\d{8}(?!\d)/g;

/** Masks one phone number, whatever its format: the first 4 and last 4 characters stay. */
export function maskNumber(value: string): string {
  const compact = value.replace(/[\s().-]/g, "");
  if (compact.length <= 8) return "****";
  return `${compact.slice(0, 4)}****${compact.slice(-4)}`;
}

/** Masks every phone number found in a piece of text. */
export function maskNumbersInText(text: string): string {
  return text.replace(INTERNATIONAL_NUMBER, maskNumber).replace(LOCAL_MOBILE_NUMBER, maskNumber);
}

/** Keys whose string values are phone numbers whatever they look like. */
const NUMBER_KEYS = new Set(["to", "recipient", "mobileNumber", "mobile_number"]);

/**
 * A copy of `value` with every phone number masked: values of `to` fields entirely, and numbers
 * inside any other string. Never changes `value` itself.
 */
export function maskPhoneNumbers(value: unknown, key?: string): unknown {
  if (typeof value === "string") {
    return key !== undefined && NUMBER_KEYS.has(key) ? maskNumber(value) : maskNumbersInText(value);
  }
  if (Array.isArray(value)) return value.map((item) => maskPhoneNumbers(item, key));
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) {
      result[childKey] = maskPhoneNumbers(child, childKey);
    }
    return result;
  }
  return value;
}
