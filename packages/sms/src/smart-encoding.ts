import { assertText } from "./errors.js";

/**
 * Smart encoding: typographic characters replaced by the GSM 03.38 characters they stand for,
 * so that text pasted from a word processor (curly quotes, dashes, `…`, no-break spaces) stays
 * GSM-7: up to 160 characters an SMS instead of 70.
 *
 * Only punctuation, spaces and invisible characters are replaced, never letters: `ë`, `ï` and
 * `ç` keep their spelling (and make the message UCS-2). Unlike Twilio's map, a special space
 * becomes one space (not two), and control characters are left alone.
 */

/** One kind of replacement made by smart encoding. */
export interface GsmReplacement {
  /** The character replaced. */
  from: string;
  /** What replaced it (may be empty: invisible characters are removed). */
  to: string;
  /** How many times it was replaced. */
  count: number;
}

const EQUIVALENTS: ReadonlyMap<number, string> = buildEquivalents();

function buildEquivalents(): Map<number, string> {
  const map = new Map<number, string>();
  const add = (to: string, ...codes: number[]): void => {
    for (const code of codes) map.set(code, to);
  };
  // Single quotes, apostrophes, primes and accents used as apostrophes.
  add("'", 0x2018, 0x2019, 0x201a, 0x201b, 0x2032, 0x2035, 0x00b4, 0x0060, 0x02b9, 0x02bb);
  add("'", 0x02bc, 0x02bd);
  // Double quotes, double primes and guillemets.
  add('"', 0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x2036, 0x00ab, 0x00bb, 0x02ba);
  add("<", 0x2039);
  add(">", 0x203a);
  // Hyphens, dashes, minus and bullet.
  add("-", 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x2022, 0x2043);
  add("-", 0xfe58, 0xfe63);
  add("...", 0x2026);
  // No-break, fixed-width and ideographic spaces, and the tab.
  add(" ", 0x0009, 0x00a0, 0x1680, 0x202f, 0x205f, 0x3000);
  for (let code = 0x2000; code <= 0x200a; code++) add(" ", code);
  add("\n", 0x2028, 0x2029);
  // Invisible: soft hyphen, zero-width space, word joiner, byte order mark. ZWJ and ZWNJ stay:
  // they shape emoji and scripts.
  add("", 0x00ad, 0x200b, 0x2060, 0xfeff);
  // Full-width ASCII forms (U+FF01–U+FF5E) map onto ASCII.
  for (let code = 0xff01; code <= 0xff5e; code++) map.set(code, String.fromCharCode(code - 0xfee0));
  return map;
}

/** Every code unit with an equivalent, for a one-read test per character. */
const HAS_EQUIVALENT: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (const code of EQUIVALENTS.keys()) table[code] = 1;
  return table;
})();

/** The text after smart encoding, with what was replaced. */
export function replaceWithGsmEquivalents(text: string): {
  text: string;
  replacements: GsmReplacement[];
} {
  let first = 0;
  while (first < text.length && HAS_EQUIVALENT[text.charCodeAt(first)] === 0) first++;
  if (first === text.length) return { text, replacements: [] };

  const counts = new Map<number, number>();
  let result = text.slice(0, first);
  let copiedUpTo = first;
  for (let i = first; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (HAS_EQUIVALENT[code] === 0) continue;
    result += text.slice(copiedUpTo, i) + EQUIVALENTS.get(code);
    copiedUpTo = i + 1;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  result += text.slice(copiedUpTo);
  const replacements: GsmReplacement[] = [];
  for (const [code, count] of counts) {
    replacements.push({ from: String.fromCharCode(code), to: EQUIVALENTS.get(code)!, count });
  }
  return { text: result, replacements };
}

/**
 * Replaces curly quotes, dashes, `…`, no-break and other special spaces (and a few more
 * typographic characters) with their GSM 03.38 equivalents; everything else is kept.
 *
 * @example
 * toGsmEquivalents("“Tot straks” – Jan…"); // "\"Tot straks\" - Jan..."
 */
export function toGsmEquivalents(text: string): string {
  assertText(text);
  return replaceWithGsmEquivalents(text).text;
}
