import { assertText } from "./errors.js";
import { codePointBoundaryAtOrBefore, graphemeBoundaryAtOrBefore } from "./graphemes.js";
import { GSM_SEPTETS } from "./gsm-charset.js";
import { type GsmReplacement, replaceWithGsmEquivalents } from "./smart-encoding.js";

/** How an SMS is encoded on the air: 7-bit GSM 03.38, or UTF-16 (called UCS-2 by networks). */
export type SmsEncoding = "GSM-7" | "UCS-2";

/** Size and cost of a text sent as one SMS (which the network may carry as several segments). */
export interface ContentMeasure {
  /** `GSM-7` when every character is in GSM 03.38, else `UCS-2`. */
  encoding: SmsEncoding;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  /** Segments billed: 1 when it fits one SMS (the empty text too), else the packed count. */
  segments: number;
}

/** What {@link analyzeContent} reports. */
export interface ContentAnalysis extends ContentMeasure {
  /**
   * Present when `options.smartEncoding` is set: the text after {@link toGsmEquivalents},
   * its measure, and each replacement made (in order of first occurrence). Its encoding is
   * still UCS-2 when characters without a GSM equivalent remain (`ë`, emoji).
   */
  smartEncoding?: ContentMeasure & {
    text: string;
    replacements: GsmReplacement[];
  };
}

/** Options of {@link analyzeContent}. */
export interface AnalyzeContentOptions {
  /**
   * Also report what smart encoding (typographic quotes, dashes, `…` and special spaces
   * replaced by GSM characters) would make of the text.
   * @default false
   */
  smartEncoding?: boolean;
}

/** One SMS: 140 octets = 160 septets or 70 UTF-16 code units. */
const SINGLE_GSM_SEPTETS = 160;
const SINGLE_UCS2_UNITS = 70;
/** A segment of a concatenated SMS loses 6 octets to the user data header. */
const SEGMENT_GSM_SEPTETS = 153;
const SEGMENT_UCS2_UNITS = 67;

/**
 * Encoding, size and segment count of `text`, as networks bill it.
 *
 * Segments are packed in order: an escape pair (GSM-7) and a grapheme cluster (UCS-2: emoji
 * with modifiers, flags, letters with combining marks) never straddle two segments, so the
 * count can exceed `ceil(units / 153)` or `ceil(units / 67)`. A grapheme longer than a whole
 * segment is cut between code points.
 *
 * @example
 * analyzeContent("Hallo!");  // { encoding: "GSM-7", units: 6, segments: 1 }
 * analyzeContent("Tot ziens 👋", { smartEncoding: true }).smartEncoding?.replacements;
 */
export function analyzeContent(text: string, options: AnalyzeContentOptions = {}): ContentAnalysis {
  assertText(text);
  const analysis: ContentAnalysis = measureContent(text);
  if (options?.smartEncoding === true) {
    const smart = replaceWithGsmEquivalents(text);
    analysis.smartEncoding = {
      text: smart.text,
      ...measureContent(smart.text),
      replacements: smart.replacements,
    };
  }
  return analysis;
}

/** {@link analyzeContent} without the argument checks and options, for internal callers. */
export function measureContent(text: string): ContentMeasure {
  let septets = 0;
  let hasExtension = false;
  for (let i = 0; i < text.length; i++) {
    const cost = GSM_SEPTETS[text.charCodeAt(i)]!;
    if (cost === 0) {
      return { encoding: "UCS-2", units: text.length, segments: countUcs2Segments(text) };
    }
    septets += cost;
    if (cost === 2) hasExtension = true;
  }
  let segments: number;
  if (septets <= SINGLE_GSM_SEPTETS) segments = 1;
  else if (!hasExtension) segments = Math.ceil(septets / SEGMENT_GSM_SEPTETS);
  else segments = countGsmSegmentsWithEscapes(text);
  return { encoding: "GSM-7", units: septets, segments };
}

/** Greedy packing in which an escape pair moves whole to the next segment. */
function countGsmSegmentsWithEscapes(text: string): number {
  let segments = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = GSM_SEPTETS[text.charCodeAt(i)]!;
    if (used + cost > SEGMENT_GSM_SEPTETS) {
      segments++;
      used = cost;
    } else {
      used += cost;
    }
  }
  return segments;
}

/** Greedy packing in which a grapheme cluster moves whole to the next segment. */
function countUcs2Segments(text: string): number {
  const length = text.length;
  if (length <= SINGLE_UCS2_UNITS) return 1;
  let segments = 0;
  let start = 0;
  // The last grapheme boundary at or before `start`: `start` is one unless an oversized
  // grapheme was cut between code points.
  let clusterStart = 0;
  while (start < length) {
    segments++;
    const end = start + SEGMENT_UCS2_UNITS;
    if (end >= length) break;
    let cut = graphemeBoundaryAtOrBefore(text, end, start, clusterStart);
    // CR LF is one grapheme, yet two independent characters on the air: a segment edge
    // between them breaks nothing, and Twilio's calculator counts it that way.
    if (cut !== end && text.charCodeAt(end - 1) === 0x0d && text.charCodeAt(end) === 0x0a) {
      cut = end;
    }
    if (cut === start) cut = codePointBoundaryAtOrBefore(text, end);
    else clusterStart = cut;
    start = cut;
  }
  return segments;
}
