import fc from "fast-check";
import { expect, it } from "vitest";
import { maskMobileNumber } from "../src/index.js";
import { numRuns } from "./support/num-runs.js";

it.each([
  ["+31612345678", "+316****5678"],
  ["+3197012345678", "+319******5678"],
  ["0612345678", "**********"],
  ["12345", "*****"],
  ["", ""],
  ["+31 6 1234 5678", "+31 *******5678"],
])("masks %j as %j", (input, masked) => {
  expect(maskMobileNumber(input)).toBe(masked);
});

it("never reveals more than the first 4 and the last 4 characters of any input", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (input) => {
      const chars = Array.from(input);
      const masked = Array.from(maskMobileNumber(input));
      expect(masked).toHaveLength(chars.length);
      for (const [i, char] of masked.entries()) {
        const revealed = chars.length >= 12 && (i < 4 || i >= chars.length - 4);
        expect(char).toBe(revealed ? chars[i] : "*");
      }
    }),
    { numRuns: numRuns(2000) },
  );
});
