import { describe, expect, it } from "vitest";
import { maskNumber, maskNumbersInText, maskPhoneNumbers } from "../src/index.js";

/** Every way people write +31612345678, as the producer accepts them and as texts quote them. */
const MOBILE_SPELLINGS = [
  "+31612345678",
  "0031612345678",
  "31612345678",
  "0612345678",
  "+31 6 12345678",
  "+31 6 1234 5678",
  "+31 6 12 34 56 78",
  "+31-6-12345678",
  "+31.6.12.34.56.78",
  "+31 (0)6 12345678",
  "+31(0)612345678",
  "+31 (0)6-1234 5678",
  "+31 06 12345678",
  "+31 (06) 12345678",
  "0031 6 12345678",
  "0031 (0)6 1234 5678",
  "00 31 6 12345678",
  "31 6 12345678",
  "06 12345678",
  "06-12345678",
  "06 - 1234 5678",
  "06 1234 5678",
  "06 12 34 56 78",
  "06.12.34.56.78",
  "06/12345678",
  "(06)12345678",
  "(06) 1234 5678",
  "(06)-12345678",
];

/** The same for the 097 range: +3197012345678. */
const M2M_SPELLINGS = [
  "+3197012345678",
  "003197012345678",
  "3197012345678",
  "097012345678",
  "097 012345678",
  "097-0123 45678",
  "(097) 012 345 678",
  "097.012.345.678",
  "+31 97 012345678",
  "+31 (0)97 0123 45678",
  "0031 97 012 345 678",
];

/** Whether any digit shows outside the masked numbers. */
function leakedDigits(masked: string): boolean {
  return /\d/.test(masked.replace(/\+31[69]\*{4}5678/g, ""));
}

const SURROUNDINGS: [string, string][] = [
  ["", ""],
  ["Bel ", " terug"],
  ['{"error":"invalid mobile_number ', '"}'],
  ["recipient=", "&x=1"],
  ["Error: rejected ", "\n    at send (kpn.js:1:1)"],
  ["line one\\n", "\\nline two"],
  ["(", ")"],
  ["nummer: ", "."],
];

describe("masking Dutch mobile numbers in text", () => {
  it.each(MOBILE_SPELLINGS)("masks %s as +316****5678", (spelling) => {
    expect(maskNumbersInText(spelling)).toBe("+316****5678");
    expect(maskNumber(spelling)).toBe("+316****5678");
  });

  it.each(M2M_SPELLINGS)("masks %s as +319****5678", (spelling) => {
    expect(maskNumbersInText(spelling)).toBe("+319****5678");
    expect(maskNumber(spelling)).toBe("+319****5678");
  });

  it("masks every spelling inside every kind of surrounding text, keeping the text", () => {
    for (const spelling of [...MOBILE_SPELLINGS, ...M2M_SPELLINGS]) {
      for (const [before, after] of SURROUNDINGS) {
        const masked = maskNumbersInText(`${before}${spelling}${after}`);
        const expected = spelling.includes("97") ? "+319****5678" : "+316****5678";
        expect(masked, `${before}${spelling}${after}`).toBe(`${before}${expected}${after}`);
      }
    }
  });

  it("masks every number of a text that holds many, in any order", () => {
    const all = [...MOBILE_SPELLINGS, ...M2M_SPELLINGS];
    // A fixed shuffle, so a failure repeats.
    let seed = 7;
    for (let round = 0; round < 50; round += 1) {
      const picked = all.filter(() => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % 3 === 0;
      });
      const masked = maskNumbersInText(picked.join(", "));
      expect(leakedDigits(masked), masked).toBe(false);
    }
  });

  it("masks numbers of other countries, keeping at most 4 characters at each end", () => {
    expect(maskNumbersInText("to +4915112345678 failed")).toBe("to +491****5678 failed");
  });

  it("masks `to` fields in full whatever they hold, never showing more than 8 characters", () => {
    expect(maskPhoneNumbers({ to: "06 12 34 56 78" })).toEqual({ to: "+316****5678" });
    expect(maskPhoneNumbers({ to: "061234567" })).toEqual({ to: "****" });
    expect(maskPhoneNumbers({ to: "+316****5678" })).toEqual({ to: "+316****5678" });
  });

  it.each([
    "order 12345, code 1234, at 2025-01-31T10:00:00Z, id 9f1c",
    "job 3b0e5c1a-0612-3456-78ab-1234567890ab",
    "job k-0612345678abcdef0123456789abcdef01234567",
    "timestamp 1735725605000, duration 0.61 s, 10612345678 is eleven digits",
    "already masked: +316****5678 and +319****5678",
  ])("leaves ids, timestamps, longer digit runs and masked numbers alone: %s", (text) => {
    expect(maskNumbersInText(text)).toBe(text);
  });
});
