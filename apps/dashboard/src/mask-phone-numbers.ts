/**
 * Masking of phone numbers in what the dashboard shows: `+31612345678` → `+316****5678`, as
 * in the logs. Job data can hold numbers outside the known
 * fields (an API error body, a message text, a stack trace), so strings are scanned as well as
 * the `to` fields masked.
 *
 * Every way people write a Dutch mobile number is found (`06…`, `+316…`, `00316…`, `316…`,
 * `+31 (0)6 …`, `(06)…`, `06-…`, `06.12.34.56.78`, and the same for `097…`) and shown as the
 * masked E.164 number, so the masked text never tells which of its digits were typed where.
 */

/** What people type between digits: spaces, dashes, dots, slashes (a few in a row). */
const SEP = String.raw`[\s.\-/]{0,3}`;
/** Area code and subscriber: 06 + 8 digits, 097 + 9 digits; `close` is the `)` of `(06)`. */
const national = (close: string) =>
  String.raw`(?:6${close}(?:${SEP}\d){8}|9${SEP}7${close}(?:${SEP}\d){9})`;
/** `+31`, `0031` or `31`. */
const COUNTRY_CODE = String.raw`(?:(?:\+|00)${SEP}31|31)${SEP}`;
/**
 * After the country code: `6…`, `06…`, `(0)6…`, `(06)…` or `(6)…`; without it: `06…` or
 * `(06)…`. A `(` is only part of the number when its `)` is.
 */
const DUTCH = String.raw`${COUNTRY_CODE}(?:(?:\(0\)|0)?${SEP}${national("")}|\(0?${national(String.raw`\)`)})|0${SEP}${national("")}|\(0${national(String.raw`\)`)}`;
/** Any other international number, as an API may echo it. */
const INTERNATIONAL = String.raw`\+\d(?:[\s.\-]{0,2}\d){7,14}(?!\d)`;

/**
 * One pass finds them all; group 1 is a Dutch number. A Dutch number must not touch a hex digit
 * on either side, so that job ids (UUIDs, hashes) and longer digit runs are left whole, while a
 * number after an escaped `\n` or a word still is found.
 */
const PHONE_NUMBER = new RegExp(`(?<![0-9A-Fa-f+])(${DUTCH})(?![0-9A-Fa-f])|${INTERNATIONAL}`, "g");
const DUTCH_NUMBER = new RegExp(`^(?:${DUTCH})$`);

/** Shortest value shown partly: 12 characters, the length of `+316XXXXXXXX`. */
const SHORTEST_PARTLY_SHOWN = 12;

/** The first 4 and last 4 characters stay, with always 4 stars between: the length stays hidden. */
function maskCompact(compact: string): string {
  if (compact.length < SHORTEST_PARTLY_SHOWN) return "****";
  return `${compact.slice(0, 4)}****${compact.slice(-4)}`;
}

/** `+316…` or `+3197…` from the digits of a Dutch number in any spelling. */
function dutchE164(digits: string): string {
  const national = digits.replace(/^(?:0031|31)?0?/, "");
  return `+31${national}`;
}

/**
 * Masks one phone number, whatever its spelling: a Dutch mobile number becomes `+316****5678`
 * (`+319****6789` for 097), anything else keeps at most its first 4 and last 4 characters,
 * and values shorter than 12 characters become `****`.
 */
export function maskNumber(value: string): string {
  const trimmed = value.trim();
  if (DUTCH_NUMBER.test(trimmed)) return maskCompact(dutchE164(trimmed.replace(/\D/g, "")));
  return maskCompact(trimmed.replace(/[\s().\-/]/g, ""));
}

function maskMatch(match: string, dutch: string | undefined): string {
  const digits = match.replace(/\D/g, "");
  return maskCompact(dutch ? dutchE164(digits) : `+${digits}`);
}

/** Masks every phone number found in a piece of text, in a single pass of one regex. */
export function maskNumbersInText(text: string): string {
  return text.replace(PHONE_NUMBER, maskMatch);
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
