import fc from "fast-check";
import { expect, it } from "vitest";
import { graphemeBoundaryAtOrBefore, isObviousBoundary } from "../src/graphemes.js";
import { unicodeSoup } from "./support/alphabets.js";
import { graphemeBoundaries } from "./support/graphemes.js";
import { numRuns } from "./support/num-runs.js";

it("finds the same boundaries near a position as segmenting the whole text", () => {
  fc.assert(
    fc.property(unicodeSoup(120), fc.nat(), fc.nat(), (text, a, b) => {
      const boundaries = graphemeBoundaries(text);
      const position = text.length === 0 ? 0 : a % (text.length + 1);
      // The floor is a true boundary at or before the position.
      const floors = [...boundaries].filter((x) => x <= position);
      const floor = floors[b % floors.length] ?? 0;
      let expected = floor;
      for (const boundary of boundaries) {
        if (boundary > floor && boundary <= position && boundary > expected) expected = boundary;
      }
      expect(graphemeBoundaryAtOrBefore(text, position, floor)).toBe(expected);
    }),
    { numRuns: numRuns(4000) },
  );
});

it("calls a position obvious only when it is a boundary", () => {
  fc.assert(
    fc.property(unicodeSoup(120), (text) => {
      const boundaries = graphemeBoundaries(text);
      for (let position = 0; position <= text.length; position++) {
        if (isObviousBoundary(text, position)) expect(boundaries.has(position)).toBe(true);
      }
    }),
    { numRuns: numRuns(1500) },
  );
});

it("calls no position obvious that a tricky left neighbour could glue to any BMP character", () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const leftNeighbours = ["a", "\u0600", "\u200d", "👨\u200d", "\r", "🇳", "\u0915\u094d", "\u1100"];
  leftNeighbours.push("e\u0301", "\uac00", "\u{1f3fd}", "\u{11f02}", "©\ufe0f\u200d", "\u00a0");
  const wrong: string[] = [];
  for (const left of leftNeighbours) {
    for (let code = 0; code <= 0xffff; code++) {
      // CJK ideographs all share one set of properties: a sample of them is enough.
      if (code >= 0x3400 && code <= 0x9fff && code % 64 !== 0) continue;
      const text = left + String.fromCharCode(code);
      if (!isObviousBoundary(text, left.length)) continue;
      const starts = [...segmenter.segment(text)].map(({ index }) => index);
      if (!starts.includes(left.length))
        wrong.push(`${JSON.stringify(left)} U+${code.toString(16)}`);
    }
  }
  expect(wrong).toEqual([]);
});
