/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, as lookup tables
 * keyed by UTF-16 code unit, so that encoding checks are one array read per character.
 *
 * Position 0x09 is `Ç` (U+00C7, capital C with cedilla), as in 3GPP TS 23.038 and in
 * Unicode's GSM0338.TXT mapping. The original GSM 03.38 table drew a small `ç` there and some
 * handsets still render it that way, but the standard and the networks' encoders map U+00C7;
 * so `ç` (U+00E7) is not GSM-7 and makes a message UCS-2, and `Ç` costs one septet. Twilio's
 * calculator decides the same.
 */

/**
 * The 127 characters of the basic set in septet order (position 0x1B, the escape to the
 * extension table, is left out). LF (0x0A) and CR (0x0D) are part of it.
 */
export const GSM_BASIC_CHARACTERS =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/** The 10 characters of the extension table: each is sent as escape + code, 2 septets. */
export const GSM_EXTENSION_CHARACTERS = "\f^{}\\[~]|€";

/**
 * Septets per UTF-16 code unit: 0 = not in GSM-7 (the message must be UCS-2), 1 = basic set,
 * 2 = extension table. 64 KiB, built once; indexing by any code unit needs no bounds check.
 */
export const GSM_SEPTETS: Uint8Array = buildSeptetTable();

function buildSeptetTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let i = 0; i < GSM_BASIC_CHARACTERS.length; i++) {
    table[GSM_BASIC_CHARACTERS.charCodeAt(i)] = 1;
  }
  for (let i = 0; i < GSM_EXTENSION_CHARACTERS.length; i++) {
    table[GSM_EXTENSION_CHARACTERS.charCodeAt(i)] = 2;
  }
  return table;
}

/**
 * Whether the whole text can be sent as GSM-7 (basic set and extension table only).
 * The empty text is GSM-7.
 *
 * @example
 * isGsm7("Hallo €5"); // true
 * isGsm7("België");   // false: ë is not in GSM 03.38
 */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (GSM_SEPTETS[text.charCodeAt(i)] === 0) return false;
  }
  return true;
}
