import fc from "fast-check";
import { expect, it } from "vitest";
import { analyzeContent } from "../src/index.js";
import { unicodeSoup } from "./support/alphabets.js";
import { graphemes } from "./support/graphemes.js";
import { numRuns } from "./support/num-runs.js";

/**
 * UCS-2 segments by the definition: graphemes of the whole text packed in order into 67-unit
 * segments (CR and LF counted apart); a grapheme longer than a segment starts a fresh one and
 * is cut between code points.
 */
function referenceUcs2Segments(text: string): number {
  if (text.length <= 70) return 1;
  const clusters = graphemes(text).flatMap(({ segment }) =>
    segment === "\r\n" ? ["\r", "\n"] : [segment],
  );
  let segments = 1;
  let used = 0;
  for (const cluster of clusters) {
    if (cluster.length <= 67) {
      if (used + cluster.length > 67) {
        segments++;
        used = 0;
      }
      used += cluster.length;
      continue;
    }
    if (used > 0) {
      segments++;
      used = 0;
    }
    for (const codePoint of cluster) {
      if (used + codePoint.length > 67) {
        segments++;
        used = 0;
      }
      used += codePoint.length;
    }
  }
  return segments;
}

it("packs UCS-2 segments exactly as the graphemes of the whole text dictate", () => {
  const oversized = fc.oneof(
    fc.integer({ min: 60, max: 150 }).map((n) => `e${"\u0301".repeat(n)}`),
    // Prepend characters glue onto the flag; a cut inside it must not re-pair the flags after.
    fc
      .tuple(fc.integer({ min: 60, max: 140 }), fc.integer({ min: 0, max: 40 }))
      .map(([n, flags]) => `${"\u0600".repeat(n)}${"🇧🇪".repeat(flags + 1)}`),
    fc.integer({ min: 20, max: 40 }).map((n) => Array(n).fill("👩").join("\u200d")),
  );
  const text = fc
    .array(
      fc.oneof({ arbitrary: unicodeSoup(40), weight: 4 }, { arbitrary: oversized, weight: 1 }),
      {
        maxLength: 8,
        size: "max",
      },
    )
    .map((pieces) => pieces.join(""));
  fc.assert(
    fc.property(text, (value) => {
      const analysis = analyzeContent(value);
      if (analysis.encoding === "UCS-2") {
        expect(analysis.segments).toBe(referenceUcs2Segments(value));
      }
    }),
    { numRuns: numRuns(3000) },
  );
});
