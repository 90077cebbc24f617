import fc from "fast-check";
import { expect, it } from "vitest";
import { analyzeContent } from "../src/index.js";
import { oracleComparableText } from "./support/alphabets.js";
import { numRuns } from "./support/num-runs.js";
import { oracle } from "./support/oracle.js";

it("agrees with Twilio's calculator on accents, typography, emoji with modifiers and ZWJ, flags, combining marks and CJK", () => {
  fc.assert(
    fc.property(oracleComparableText(150), (text) => {
      const ours = analyzeContent(text);
      const theirs = oracle(text);
      expect(ours.encoding).toBe(theirs.encoding);
      expect(ours.segments).toBe(theirs.segments);
      if (ours.encoding === "GSM-7") expect(ours.units).toBe(theirs.characters);
    }),
    { numRuns: numRuns(8000) },
  );
});
