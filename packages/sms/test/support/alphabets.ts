import fc from "fast-check";
import { GSM_BASIC_CHARACTERS, GSM_EXTENSION_CHARACTERS } from "../../src/index.js";

/** Pieces that texts are built from: single characters or whole grapheme clusters. */
export const GSM_BASIC = [...GSM_BASIC_CHARACTERS];
export const GSM_EXTENSION = [...GSM_EXTENSION_CHARACTERS];
export const WHITESPACE = [" ", " ", " ", "\n", "\r\n", "\t", "  ", "\u2003", "\u00a0"];
export const DUTCH_ACCENTS = [..."ëïéèöüáóúâêôûàçÇĳ"];
export const TYPOGRAPHIC = [..."‘’“”„‚–—…•«»\u00a0\u202f\u2009\u00ad\u200b＂１"];
/** Emoji segmented alike by Twilio's calculator and by current Unicode (UAX #29). */
export const EMOJI = [
  "😀",
  "👍🏽",
  "👋🏻",
  "👩‍👩‍👧",
  "👨‍👩‍👧‍👦",
  "👨‍❤️‍👨",
  "👩‍❤️‍💋‍👨",
  "❤️",
  "🇳🇱",
  "🇧🇪",
  "1️⃣",
  "🏳️‍🌈",
  "🧑‍💻",
  "👩🏽‍💻",
  "🤷🏽‍♂️",
  "🧔🏻‍♂️",
  "©️",
];
/**
 * Emoji and clusters that Twilio's calculator (grapheme-splitter, Unicode 10 rules) cuts
 * into several graphemes while current Unicode keeps them whole.
 */
export const NEWER_CLUSTERS = ["🏴‍☠️", "🫶🏼", "🐕‍🦺", "🧑🏿‍🤝‍🧑🏻", "क्षि"];
export const COMBINING = ["e\u0301", "a\u0308", "n\u0303", "o\u0308\u0304", "\u0301", "\u0327"];
export const CJK = [..."漢字東京かアー한"];
export const CJK_ASTRAL = ["𠀋", "𩸽"];
export const REGIONAL_INDICATOR = ["🇳", "🇱"];

const pick = (pieces: readonly string[]) => fc.constantFrom(...pieces);

/**
 * Texts of up to `maxPieces` pieces drawn from `piece`. `size: "max"` spreads lengths over the
 * whole range: fast-check's default size would stay near ten pieces, below every segment edge.
 */
export function textOf(piece: fc.Arbitrary<string>, maxPieces: number): fc.Arbitrary<string> {
  return fc.array(piece, { maxLength: maxPieces, size: "max" }).map((items) => items.join(""));
}

/** GSM-7 texts, weighted towards the basic set, long enough to cross segment edges. */
export const gsmText = (maxPieces = 400) =>
  textOf(
    fc.oneof(
      { arbitrary: pick(GSM_BASIC), weight: 12 },
      { arbitrary: pick(GSM_EXTENSION), weight: 3 },
      { arbitrary: pick([" ", "\n", "\r\n"]), weight: 2 },
    ),
    maxPieces,
  );

/** Texts the oracle segments as we do: everything except {@link NEWER_CLUSTERS}. */
export const oracleComparableText = (maxPieces = 200) =>
  fc.oneof(
    { arbitrary: gsmText(maxPieces), weight: 2 },
    {
      arbitrary: textOf(
        fc.oneof(
          { arbitrary: pick(GSM_BASIC), weight: 10 },
          { arbitrary: pick(GSM_EXTENSION), weight: 1 },
          { arbitrary: pick(WHITESPACE), weight: 2 },
          { arbitrary: pick(DUTCH_ACCENTS), weight: 1 },
          { arbitrary: pick(TYPOGRAPHIC), weight: 1 },
          { arbitrary: pick(EMOJI), weight: 2 },
          { arbitrary: pick(COMBINING), weight: 1 },
          { arbitrary: pick(CJK), weight: 1 },
          { arbitrary: pick(CJK_ASTRAL), weight: 1 },
        ),
        maxPieces,
      ),
      weight: 3,
    },
  );

/** The trickiest texts: everything above plus newer clusters and loose regional indicators. */
export const trickyText = (maxPieces = 200) =>
  textOf(
    fc.oneof(
      { arbitrary: pick(GSM_BASIC), weight: 6 },
      { arbitrary: pick(GSM_EXTENSION), weight: 1 },
      { arbitrary: pick(WHITESPACE), weight: 3 },
      { arbitrary: pick(DUTCH_ACCENTS), weight: 1 },
      { arbitrary: pick(TYPOGRAPHIC), weight: 1 },
      { arbitrary: pick(EMOJI), weight: 2 },
      { arbitrary: pick(NEWER_CLUSTERS), weight: 1 },
      { arbitrary: pick(COMBINING), weight: 2 },
      { arbitrary: pick(CJK), weight: 1 },
      { arbitrary: pick(CJK_ASTRAL), weight: 1 },
      { arbitrary: pick(REGIONAL_INDICATOR), weight: 1 },
    ),
    maxPieces,
  );

/**
 * Loose code points that stress grapheme rules: Prepend (U+0600, U+0605, U+06DD), Indic
 * consonants and virama (GB9c), Hangul jamo, ZWJ, ZWNJ, variation selector, skin tone,
 * emoji tag, lone surrogates.
 */
export const LOOSE_CODE_POINTS = [
  "\u0600",
  "\u0605",
  "\u06dd",
  "\u0915",
  "\u094d",
  "\u0937",
  "\u093f",
  "\u1100",
  "\u1161",
  "\u11a8",
  "\uac00",
  "\u200d",
  "\u200c",
  "\ufe0f",
  "\u{1f3fd}",
  "\u{e0067}",
  "\ud83d",
  "\ude00",
];

/** {@link trickyText} with loose code points mixed in: any grapheme rule can come up. */
export const unicodeSoup = (maxPieces = 200) =>
  fc.oneof(
    trickyText(maxPieces),
    textOf(
      fc.oneof(
        { arbitrary: trickyText(3), weight: 4 },
        { arbitrary: pick(LOOSE_CODE_POINTS), weight: 2 },
        { arbitrary: fc.string({ unit: "grapheme", maxLength: 1 }), weight: 1 },
      ),
      maxPieces,
    ),
  );
