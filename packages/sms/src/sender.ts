import { SmsInputError } from "./errors.js";
import { GSM_SEPTETS } from "./gsm-charset.js";

/** KPN: "at most 11 characters (alphanumeric sender name or short code)". */
const MAX_SENDER_LENGTH = 11;

/**
 * Checks a sender (originator) and returns it without surrounding whitespace.
 *
 * A sender is 1 to 11 characters of the GSM 03.38 basic set, not all spaces. The limit is
 * 11 for every sender, numeric ones included: KPN documents one limit for names and short
 * codes alike, so a long numeric originator such as an MSISDN is refused here rather than by
 * the API. Extension characters (`€`, `[`, `|`…) and line breaks are refused: they take two
 * septets or break the display on handsets. Surrounding whitespace is trimmed because a
 * handset would not show it; inner spaces are kept.
 *
 * @throws {SmsInputError} `SMS_INVALID_SENDER`, with a message saying what was wrong.
 * @example
 * validateSender(" MyShop "); // "MyShop"
 * validateSender("Bakkerij België"); // throws: too long, and ë is not GSM 03.38
 */
export function validateSender(input: string): string {
  if (typeof input !== "string") {
    throw new SmsInputError("SMS_INVALID_SENDER", `sender must be a string; got ${typeof input}`);
  }
  const sender = input.trim();
  if (sender.length === 0) {
    throw new SmsInputError(
      "SMS_INVALID_SENDER",
      "sender must have 1 to 11 characters and not only spaces; got none",
      { input },
    );
  }
  const refused = new Set<string>();
  for (const char of sender) {
    const code = char.charCodeAt(0);
    if (char.length > 1 || GSM_SEPTETS[code] !== 1 || code === 0x0a || code === 0x0d) {
      refused.add(char);
    }
  }
  const problems: string[] = [];
  const length = [...sender].length;
  if (length > MAX_SENDER_LENGTH) {
    problems.push(`must have at most ${MAX_SENDER_LENGTH} characters; got ${length}`);
  }
  if (refused.size > 0) {
    const shown = [...refused].map((char) => JSON.stringify(char)).join(", ");
    problems.push(
      `may only use letters, digits and other GSM 03.38 basic characters; got ${shown}`,
    );
  }
  if (problems.length > 0) {
    throw new SmsInputError("SMS_INVALID_SENDER", `sender ${problems.join(", and ")}`, { input });
  }
  return sender;
}
