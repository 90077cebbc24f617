import { SmsInputError } from "./errors.js";

/**
 * Dutch mobile numbers, the only recipients KPN accepts:
 * - `06` + 8 digits (`+316XXXXXXXX`), except the `060`, `067` and `069` ranges, which KPN
 *   lists as invalid (they are not mobile ranges in the Dutch numbering plan);
 * - `097` + 9 digits (`+3197XXXXXXXXX`): machine-to-machine numbers, 12 digits in national
 *   format in the ACM numbering plan.
 */
const ACCEPTED_E164 = /^\+31(?:6[1-68]\d{7}|97\d{9})$/;

/** Separators people type between digits. */
const SEPARATORS = /[\s\-./]/g;
/** "+31 (0)6…": the trunk prefix in parentheses after the country code. */
const TRUNK_IN_PARENTHESES = /^(\+31|0031|31)\(0\)/;

function invalid(message: string, input?: string): SmsInputError {
  return new SmsInputError(
    "SMS_INVALID_NUMBER",
    message,
    input === undefined ? {} : { input: maskMobileNumber(input.trim()) },
  );
}

/**
 * Turns a Dutch mobile number as people type it into E.164: `+316XXXXXXXX` or
 * `+3197XXXXXXXXX`.
 *
 * Accepted: `06 12345678`, `06-12345678`, `06.12.34.56.78`, `0612345678`, `+31 6 1234 5678`,
 * `+31 (0)6 12345678`, `+31 06 12345678`, `0031612345678`, `31612345678`, and the same forms
 * of `097` numbers. Refused, each with a message saying why: the `060`, `067` and `069`
 * ranges, landlines and service numbers, foreign numbers, and too many or too few digits.
 * Error messages never quote the number; {@link SmsInputError.input} holds it masked.
 *
 * @throws {SmsInputError} `SMS_INVALID_NUMBER`.
 * @example
 * normalizeMobileNumber("06 12345678"); // "+31612345678"
 */
export function normalizeMobileNumber(input: string): string {
  if (typeof input !== "string") {
    throw invalid(`phone number must be a string; got ${typeof input}`);
  }
  const compact = input
    .replace(SEPARATORS, "")
    .replace(TRUNK_IN_PARENTHESES, "$1")
    .replace(/[()]/g, "");
  if (compact.length === 0) throw invalid("phone number is empty", input);
  if (!/^\+?\d+$/.test(compact)) {
    const message =
      compact.lastIndexOf("+") > 0
        ? "may only have a + at the start"
        : "may only contain digits, spaces, dashes, dots, parentheses and a leading +";
    throw invalid(`phone number ${message}`, input);
  }
  const nationalNumber = toNationalNumber(compact, input);
  checkMobileRange(nationalNumber, input);
  return `+31${nationalNumber}`;
}

/** The digits after the country code or trunk prefix `0`. */
function toNationalNumber(compact: string, input: string): string {
  let afterCountryCode: string;
  if (compact.startsWith("+")) {
    if (!compact.startsWith("+31")) throw foreign(input);
    afterCountryCode = compact.slice(3);
  } else if (compact.startsWith("00")) {
    if (!compact.startsWith("0031")) throw foreign(input);
    afterCountryCode = compact.slice(4);
  } else if (compact.startsWith("0")) {
    return compact.slice(1);
  } else if (compact.startsWith("31")) {
    afterCountryCode = compact.slice(2);
  } else {
    throw invalid(
      "phone number must start with 06 or 097, or with the country code (+31, 0031)",
      input,
    );
  }
  // "+31 06…": a trunk prefix written after the country code is a common slip, not ambiguous.
  return afterCountryCode.startsWith("0") ? afterCountryCode.slice(1) : afterCountryCode;
}

function foreign(input: string): SmsInputError {
  return invalid(
    "phone number is not Dutch: only numbers with country code +31 can receive SMS here",
    input,
  );
}

function checkMobileRange(national: string, input: string): void {
  if (national.startsWith("6")) {
    const range = national.slice(0, 2);
    if (range === "60" || range === "67" || range === "69") {
      throw invalid(
        `phone number is in the 0${range} range, which is not for mobile phones`,
        input,
      );
    }
    if (national.length !== 9) {
      throw invalid(`mobile numbers have 8 digits after 06; got ${national.length - 1}`, input);
    }
    return;
  }
  if (national.startsWith("97")) {
    if (national.length !== 11) {
      throw invalid(`097 numbers have 9 digits after 097; got ${national.length - 2}`, input);
    }
    return;
  }
  const kind =
    national.startsWith("8") || national.startsWith("9")
      ? "a service or special number"
      : national.length === 0
        ? "incomplete"
        : "a landline number";
  throw invalid(`phone number is ${kind}, not a mobile number (06… or 097…)`, input);
}

/**
 * Whether `input` is already a normalized number that {@link normalizeMobileNumber} accepts
 * (`+316XXXXXXXX` outside 060/067/069, or `+3197XXXXXXXXX`). No spaces, no other forms.
 */
export function isMobileNumber(input: string): boolean {
  return typeof input === "string" && ACCEPTED_E164.test(input);
}

/** Shortest input shown partly: 12 characters, the length of `+316XXXXXXXX`. */
const SHORTEST_PARTLY_SHOWN = 12;

/**
 * Masks a phone number for logs and dashboards: `+31612345678` → `+316****5678`.
 *
 * Shows at most the first 4 and the last 4 characters of any input, and nothing of inputs
 * shorter than 12 characters (they are masked in full, one `*` per character).
 */
export function maskMobileNumber(number: string): string {
  const chars = Array.from(String(number));
  if (chars.length < SHORTEST_PARTLY_SHOWN) return "*".repeat(chars.length);
  return `${chars.slice(0, 4).join("")}${"*".repeat(chars.length - 8)}${chars.slice(-4).join("")}`;
}
