import fc from "fast-check";
import { expect, it } from "vitest";
import { analyzeContent, isGsm7 } from "../src/index.js";
import { trickyText } from "./support/alphabets.js";
import { numRuns } from "./support/num-runs.js";

it("counts units and segments within the bounds of the standard on any text", () => {
  const anyText = fc.oneof(
    trickyText(400),
    fc.string({ unit: "binary", maxLength: 400, size: "max" }),
    fc.string({ unit: "grapheme", maxLength: 200, size: "max" }),
  );
  fc.assert(
    fc.property(anyText, (text) => {
      const { encoding, units, segments } = analyzeContent(text);
      expect(encoding === "GSM-7").toBe(isGsm7(text));
      if (encoding === "UCS-2") expect(units).toBe(text.length);
      else expect(units).toBeGreaterThanOrEqual(text.length);
      const single = encoding === "GSM-7" ? 160 : 70;
      const perSegment = encoding === "GSM-7" ? 153 : 67;
      if (units <= single) {
        expect(segments).toBe(1);
      } else {
        expect(segments).toBeGreaterThanOrEqual(Math.ceil(units / perSegment));
        expect(segments).toBeLessThanOrEqual(units);
      }
    }),
    { numRuns: numRuns(4000) },
  );
});
