import fc from "fast-check";
import { expect, it } from "vitest";
import { analyzeContent, planMessage, splitContent } from "../src/index.js";
import { trickyText } from "./support/alphabets.js";
import { numRuns } from "./support/num-runs.js";

it("plans a short message as one part", () => {
  expect(planMessage("Hallo!", 1000)).toEqual({
    parts: ["Hallo!"],
    segments: 1,
    encoding: "GSM-7",
    units: 6,
  });
});

it("plans empty content as nothing to send", () => {
  expect(planMessage("", 160)).toEqual({ parts: [], segments: 0, encoding: "GSM-7", units: 0 });
});

it("bills each part on its own on a 160-character sandbox account", () => {
  const content = `${"Uw afspraak is bevestigd. ".repeat(8)}Tot ziens 👋`;
  const plan = planMessage(content, 160);
  expect(plan.parts.length).toBeGreaterThan(1);
  expect(plan.encoding).toBe("UCS-2");
  // The first parts are GSM-7 and fit one SMS each; only the last holds the emoji.
  const perPart = plan.parts.map((part) => analyzeContent(part));
  expect(perPart.at(-1)?.encoding).toBe("UCS-2");
  expect(perPart.slice(0, -1).every((a) => a.encoding === "GSM-7" && a.segments === 1)).toBe(true);
  expect(plan.segments).toBe(perPart.reduce((sum, a) => sum + a.segments, 0));
});

it("refuses a maxContentLength that is not a positive integer", () => {
  expect(() => planMessage("Hallo", 0)).toThrow(
    expect.objectContaining({ code: "SMS_INVALID_CONTENT" }),
  );
});

it("sums the parts of splitContent, on any content", () => {
  fc.assert(
    fc.property(trickyText(300), fc.constantFrom(1000, 160, 70, 17), (content, limit) => {
      const plan = planMessage(content, limit);
      const parts = splitContent(content, limit);
      const analyses = parts.map((part) => analyzeContent(part));
      expect(plan).toEqual({
        parts,
        segments: analyses.reduce((sum, a) => sum + a.segments, 0),
        units: analyses.reduce((sum, a) => sum + a.units, 0),
        encoding: analyses.some((a) => a.encoding === "UCS-2") ? "UCS-2" : "GSM-7",
      });
    }),
    { numRuns: numRuns(1500) },
  );
});
