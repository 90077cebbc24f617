/**
 * Grapheme cluster boundaries (Unicode UAX #29, through `Intl.Segmenter`), found only near the
 * positions that matter. `Intl.Segmenter` is many times slower than a plain scan, so a cheap
 * test settles most positions from the two code units around them, and the segmenter only runs
 * over a short window that starts at a position known to be a boundary.
 */

let cachedSegmenter: Intl.Segmenter | undefined;

/** One shared segmenter: building one costs far more than using it. */
function segmenter(): Intl.Segmenter {
  cachedSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return cachedSegmenter;
}

/**
 * Code units that always start a new grapheme cluster unless the unit before them is a
 * Prepend character: letters, digits, punctuation and spaces of Latin, Greek, Cyrillic and
 * CJK, and controls (a break before a control is unconditional, except LF after CR, so LF is
 * left out). Excluded on purpose: combining marks, ZWJ/ZWNJ, Hangul jamo and syllables,
 * `©`, `®`, `‼`, `⁉`, `〰`, `〽` (emoji that can follow a ZWJ), and every surrogate.
 */
const STARTS_CLUSTER: Uint8Array = buildStartsCluster();

function buildStartsCluster(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const ranges: ReadonlyArray<readonly [number, number]> = [
    [0x0000, 0x0009],
    [0x000b, 0x02ff],
    [0x0370, 0x03ff],
    [0x0400, 0x0482],
    [0x2010, 0x206f],
    [0x20a0, 0x20c0],
    [0x3000, 0x3029],
    [0x3031, 0x303f],
    [0x3041, 0x3096],
    [0x30a0, 0x30ff],
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xff01, 0xff5e],
  ];
  for (const [from, to] of ranges) table.fill(1, from, to + 1);
  for (const code of [0x00a9, 0x00ae, 0x203c, 0x2049, 0x3030, 0x303d]) table[code] = 0;
  return table;
}

/**
 * Whether the unit before `position` might glue itself to what follows (a Prepend character,
 * UAX #29 rule GB9b). Every Prepend character lies in U+0600–U+0FFF, U+A800–U+ABFF or below
 * U+1F000 outside the BMP; answering "maybe" for whole blocks keeps this true for future
 * Unicode versions.
 */
function mayPrepend(text: string, position: number): boolean {
  const before = text.charCodeAt(position - 1);
  if (before < 0x0600) return false;
  if (before <= 0x0fff || (before >= 0xa800 && before <= 0xabff)) return true;
  if (before >= 0xdc00 && before <= 0xdfff) {
    const high = text.charCodeAt(position - 2);
    // High surrogates from 0xD83C encode U+1F000 and above: emoji and CJK, never Prepend.
    return !(high >= 0xd83c && high <= 0xdbff);
  }
  return before >= 0xd800 && before <= 0xdbff;
}

/** True when `position` is certainly a grapheme boundary; false means "ask the segmenter". */
export function isObviousBoundary(text: string, position: number): boolean {
  if (position <= 0 || position >= text.length) return true;
  return STARTS_CLUSTER[text.charCodeAt(position)] === 1 && !mayPrepend(text, position);
}

/** How far back to look for an obvious boundary before segmenting from a known one. */
const ANCHOR_SEARCH_UNITS = 32;

/**
 * How far back a cluster start is still segmented from. Only a single grapheme of thousands of
 * code units (pathological text) is longer; inside one, segmenting from `floor` instead can
 * pair regional indicators differently, which costs at worst an odd cut in that text.
 */
const MAX_RESEGMENT_UNITS = 4096;

/**
 * The greatest grapheme boundary `b` with `floor < b <= position`, or `floor` when there is
 * none (the grapheme at `floor` reaches past `position`).
 *
 * `clusterStart` (default `floor`) must be a boundary at or before `floor`: segmenting from a
 * boundary gives the same boundaries as segmenting the whole text, segmenting from inside a
 * grapheme may not. It differs from `floor` only after a grapheme too long for its window was
 * cut between code points.
 */
export function graphemeBoundaryAtOrBefore(
  text: string,
  position: number,
  floor: number,
  clusterStart = floor,
): number {
  if (position <= floor) return floor;
  if (isObviousBoundary(text, position)) return position;
  let anchor = floor - clusterStart <= MAX_RESEGMENT_UNITS ? clusterStart : floor;
  const lowest = Math.max(floor + 1, position - ANCHOR_SEARCH_UNITS);
  for (let candidate = position - 1; candidate >= lowest; candidate--) {
    if (isObviousBoundary(text, candidate)) {
      anchor = candidate;
      break;
    }
  }
  // A boundary depends on the code point after it, never on anything further on.
  const windowEnd = Math.min(text.length, position + 2);
  let best = floor;
  for (const { index } of segmenter().segment(text.slice(anchor, windowEnd))) {
    const boundary = anchor + index;
    if (boundary > position) break;
    if (boundary > floor) best = boundary;
  }
  return best;
}

/** Whether `position` is a grapheme boundary; see {@link graphemeBoundaryAtOrBefore}. */
export function isGraphemeBoundary(
  text: string,
  position: number,
  floor: number,
  clusterStart = floor,
): boolean {
  return graphemeBoundaryAtOrBefore(text, position, floor, clusterStart) === position;
}

/** The greatest position `c <= position` that does not fall inside a surrogate pair. */
export function codePointBoundaryAtOrBefore(text: string, position: number): number {
  const unit = text.charCodeAt(position);
  const before = text.charCodeAt(position - 1);
  const splitsPair = unit >= 0xdc00 && unit <= 0xdfff && before >= 0xd800 && before <= 0xdbff;
  return splitsPair ? position - 1 : position;
}
