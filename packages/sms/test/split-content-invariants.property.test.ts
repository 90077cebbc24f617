import fc from "fast-check";
import { expect, it } from "vitest";
import { splitContent } from "../src/index.js";
import { gsmText, unicodeSoup } from "./support/alphabets.js";
import { graphemeBoundaries, graphemes } from "./support/graphemes.js";
import { numRuns } from "./support/num-runs.js";

/** The whitespace splitContent may cut at and drop (no-break spaces excluded). */
const CUTTABLE = /^[\t\n\v\f\r \u0085\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]$/;
const isCuttable = (text: string, position: number) => CUTTABLE.test(text.charAt(position));

/** The greatest end a part from `start` may have at whitespace, per the rule, or undefined. */
function expectedWhitespaceEnd(
  text: string,
  start: number,
  maxLength: number,
  boundaries: Set<number>,
) {
  const windowEnd = start + maxLength;
  for (let position = windowEnd; position >= windowEnd - Math.floor(maxLength / 5); position--) {
    if (!isCuttable(text, position)) continue;
    let end = position;
    while (end > start && isCuttable(text, end - 1)) end--;
    if (end === start) return undefined;
    if (boundaries.has(end)) return end;
    position = end;
  }
  return undefined;
}

/**
 * Walks the parts through the text and lists every broken rule: each part must start where
 * the previous one ended, or after the whitespace run at a whitespace cut (less whitespace
 * that carries a combining mark). Plain checks, not `expect`, because this runs per part.
 */
function splitProblems(text: string, maxLength: number): string[] {
  const parts = splitContent(text, maxLength);
  const problems: string[] = [];
  if (text.length === 0 && parts.length !== 0) problems.push("parts of the empty text");
  const boundaries = graphemeBoundaries(text);
  const clusters = graphemes(text);
  let start = 0;
  for (const [index, part] of parts.entries()) {
    const problem = (what: string) => problems.push(`part ${index} (${start}): ${what}`);
    if (!text.startsWith(part, start)) {
      problem("is not the text that follows");
      break;
    }
    const end = start + part.length;
    if (part.length === 0 || part.length > maxLength) problem(`has ${part.length} units`);
    if (index === parts.length - 1) {
      start = end;
      break;
    }
    const wsEnd = expectedWhitespaceEnd(text, start, maxLength, boundaries);
    if (wsEnd !== undefined) {
      if (end !== wsEnd) problem(`ends at ${end}, not at the whitespace at ${wsEnd}`);
      let next = end;
      while (isCuttable(text, next)) next++;
      while (!boundaries.has(next)) next--;
      start = next;
      continue;
    }
    if (boundaries.has(end)) {
      for (let later = end + 1; later <= start + maxLength; later++) {
        if (boundaries.has(later)) problem(`ends at ${end}, yet ${later} is a boundary too`);
      }
    } else {
      // Only a grapheme longer than the window is cut, and then between code points.
      const cluster = clusters.find(
        ({ index: at, segment }) => at < end && end < at + segment.length,
      );
      if (cluster === undefined || cluster.segment.length <= maxLength) {
        problem(`cuts a grapheme of ${cluster?.segment.length} units at ${end}`);
      }
      const high = text.charCodeAt(end - 1);
      const low = text.charCodeAt(end);
      const splitsPair = high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
      if (splitsPair && maxLength > 1) problem(`splits a surrogate pair at ${end}`);
    }
    start = end;
  }
  // Whatever is left after the last part is whitespace dropped at the last cut.
  for (; start < text.length; start++) {
    if (!isCuttable(text, start)) problems.push(`lost ${JSON.stringify(text[start])} at ${start}`);
  }
  return problems;
}

it("keeps every invariant on texts of tricky graphemes, for any window", () => {
  fc.assert(
    fc.property(unicodeSoup(160), fc.integer({ min: 1, max: 80 }), (text, maxLength) => {
      expect(splitProblems(text, maxLength)).toEqual([]);
    }),
    { numRuns: numRuns(3000) },
  );
});

it("keeps every invariant on long GSM texts with the account limits of KPN", () => {
  fc.assert(
    fc.property(gsmText(2400), fc.constantFrom(160, 1000, 153, 67), (text, maxLength) => {
      expect(splitProblems(text, maxLength)).toEqual([]);
    }),
    { numRuns: numRuns(300) },
  );
});

it("keeps every invariant around giant graphemes and whitespace-only stretches", () => {
  const piece = fc.oneof(
    fc.constantFrom("a", " ", "\n", "😀", "👍🏽", "🇳🇱"),
    fc.integer({ min: 1, max: 30 }).map((n) => `e${"\u0301".repeat(n)}`),
    fc.integer({ min: 1, max: 8 }).map((n) => Array(n).fill("👩").join("\u200d")),
    fc.integer({ min: 1, max: 20 }).map((n) => " ".repeat(n)),
    // Prepend characters glue onto the flag; a cut inside it must not re-pair the flags after.
    fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 6 }))
      .map(([n, flags]) => `${"\u0600".repeat(n)}${"🇧🇪".repeat(flags + 1)}`),
  );
  const text = fc.array(piece, { maxLength: 30, size: "max" }).map((xs) => xs.join(""));
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 24 }), (value, maxLength) => {
      expect(splitProblems(value, maxLength)).toEqual([]);
    }),
    { numRuns: numRuns(3000) },
  );
});
