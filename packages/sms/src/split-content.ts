import { assertText, SmsInputError } from "./errors.js";
import {
  codePointBoundaryAtOrBefore,
  graphemeBoundaryAtOrBefore,
  isGraphemeBoundary,
} from "./graphemes.js";

/**
 * Whitespace at which a text may be cut and which may be dropped there. No-break spaces
 * (U+00A0, U+2007, U+202F) are left out: they exist to keep their neighbours together.
 */
const CUTTABLE_WHITESPACE: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  const codes = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0x1680, 0x2028, 0x2029, 0x205f, 0x3000];
  for (const code of codes) table[code] = 1;
  for (let code = 0x2000; code <= 0x200a; code++) if (code !== 0x2007) table[code] = 1;
  return table;
})();

function isCuttableWhitespace(text: string, position: number): boolean {
  return CUTTABLE_WHITESPACE[text.charCodeAt(position)] === 1;
}

/**
 * Splits `text` into the parts sent as separate messages when it exceeds the account's
 * per-message limit.
 *
 * - Each part is at most `maxLength` UTF-16 code units and none is empty (`""` gives `[]`).
 * - A part ends at whitespace when whitespace lies in the last fifth of the window; the
 *   whitespace at that cut is dropped. Otherwise it ends at the last grapheme boundary that
 *   fits, so emoji sequences, flags and letters with combining marks are never torn apart.
 * - Only a single grapheme longer than `maxLength` is cut, between code points (with
 *   `maxLength` 1, a character outside the BMP has to be cut between its two surrogates).
 * - Joined, the parts give back the text, less the whitespace dropped at cuts.
 *
 * @param maxLength A positive integer, in UTF-16 code units (as KPN counts `content`).
 * @throws {SmsInputError} `SMS_INVALID_CONTENT` when `maxLength` is not a positive integer.
 * @example
 * splitContent("Uw pakket is onderweg", 12); // ["Uw pakket is", "onderweg"]
 */
export function splitContent(text: string, maxLength: number): string[] {
  assertText(text);
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new SmsInputError(
      "SMS_INVALID_CONTENT",
      `maxLength must be a positive integer (UTF-16 code units); got ${String(maxLength)}`,
    );
  }
  const length = text.length;
  if (length <= maxLength) return length === 0 ? [] : [text];

  const parts: string[] = [];
  // The last fifth of the window: a whitespace cut must leave a part at least this long.
  const shortestWhitespacePart = maxLength - Math.floor(maxLength / 5);
  let start = 0;
  // The last grapheme boundary at or before `start`: `start` is one unless a grapheme longer
  // than `maxLength` was cut between code points.
  let clusterStart = 0;
  while (length - start > maxLength) {
    const window: CutWindow = {
      start,
      clusterStart,
      lowest: start + shortestWhitespacePart,
      end: start + maxLength,
    };
    const atWhitespace = findWhitespaceCut(text, window);
    if (atWhitespace !== undefined) {
      parts.push(text.slice(start, atWhitespace.end));
      start = atWhitespace.next;
      clusterStart = start;
    } else {
      const cut = findGraphemeCut(text, window);
      parts.push(text.slice(start, cut.end));
      start = cut.end;
      if (cut.atBoundary) clusterStart = start;
    }
  }
  if (start < length) parts.push(text.slice(start));
  return parts;
}

/** Where the next part starts, and the range its end must fall in. */
interface CutWindow {
  /** The part's start. */
  start: number;
  /** The last grapheme boundary at or before `start`. */
  clusterStart: number;
  /** The lowest position a whitespace cut may be found at: the last fifth of the window. */
  lowest: number;
  /** `start + maxLength`. */
  end: number;
}

/**
 * The last whitespace run that starts a cut in `[lowest, end]`: the part ends where the run
 * starts, the next part starts after it. Both ends must be grapheme boundaries (a space can
 * carry a combining mark).
 */
function findWhitespaceCut(
  text: string,
  window: CutWindow,
): { end: number; next: number } | undefined {
  const { start, clusterStart } = window;
  for (let position = window.end; position >= window.lowest; position--) {
    if (!isCuttableWhitespace(text, position)) continue;
    let end = position;
    while (end > start && isCuttableWhitespace(text, end - 1)) end--;
    // Whitespace all the way back to the start of the part: no text to end a part with.
    if (end === start) return undefined;
    if (!isGraphemeBoundary(text, end, start, clusterStart)) {
      position = end;
      continue;
    }
    let next = position + 1;
    while (next < text.length && isCuttableWhitespace(text, next)) next++;
    while (next > end && !isGraphemeBoundary(text, next, end)) next--;
    return { end, next };
  }
  return undefined;
}

/** The last grapheme boundary in the window, or a code point cut in an oversized grapheme. */
function findGraphemeCut(text: string, window: CutWindow): { end: number; atBoundary: boolean } {
  const { start, end } = window;
  const boundary = graphemeBoundaryAtOrBefore(text, end, start, window.clusterStart);
  if (boundary > start) return { end: boundary, atBoundary: true };
  const cut = codePointBoundaryAtOrBefore(text, end);
  return { end: cut > start ? cut : end, atBoundary: false };
}
