import fc from "fast-check";
import { expect, it } from "vitest";
import { analyzeContent } from "../src/index.js";
import { gsmText } from "./support/alphabets.js";
import { numRuns } from "./support/num-runs.js";
import { oracle } from "./support/oracle.js";

it("agrees with Twilio's calculator on GSM-7 texts around the 160 / 153-septet edges", () => {
  fc.assert(
    fc.property(gsmText(340), (text) => {
      const ours = analyzeContent(text);
      const theirs = oracle(text);
      expect(ours.encoding).toBe("GSM-7");
      expect(ours).toEqual({
        encoding: theirs.encoding,
        units: theirs.characters,
        segments: theirs.segments,
      });
    }),
    { numRuns: numRuns(5000) },
  );
});
