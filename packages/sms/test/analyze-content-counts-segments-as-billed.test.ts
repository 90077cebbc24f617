import { describe, expect, it } from "vitest";
import { analyzeContent } from "../src/index.js";
import { oracle } from "./support/oracle.js";

const x = (n: number) => "x".repeat(n);
const family = "👨‍👩‍👧‍👦"; // one grapheme, 11 code units

describe("analyzeContent", () => {
  it.each([
    ["empty text (still one SMS if sent)", "", "GSM-7", 0, 1],
    ["160 septets", x(160), "GSM-7", 160, 1],
    ["161 septets", x(161), "GSM-7", 161, 2],
    ["306 septets", x(306), "GSM-7", 306, 2],
    ["307 septets", x(307), "GSM-7", 307, 3],
    ["80 euro signs: 160 septets", "€".repeat(80), "GSM-7", 160, 1],
    ["an escape pair that would straddle 153", `${x(152)}€${x(10)}`, "GSM-7", 164, 2],
    ["an escape pair pushed into a third segment", `${x(152)}€${x(152)}€`, "GSM-7", 308, 3],
    ["CR LF counts two septets", "a\r\nb", "GSM-7", 4, 1],
    ["70 UCS-2 units", `ë${x(69)}`, "UCS-2", 70, 1],
    ["71 UCS-2 units", `ë${x(70)}`, "UCS-2", 71, 2],
    ["35 emoji: 70 units", "😀".repeat(35), "UCS-2", 70, 1],
    ["36 emoji: 72 units", "😀".repeat(36), "UCS-2", 72, 2],
    ["a surrogate pair that would straddle 67", `ë${x(65)}😀${x(10)}`, "UCS-2", 78, 2],
    ["a ZWJ family moved whole to the next segment", `ë${x(60)}${family}${x(60)}`, "UCS-2", 132, 3],
    ["flags moved whole", `ë${x(65)}${"🇳🇱".repeat(5)}`, "UCS-2", 86, 2],
    ["an extension character in a UCS-2 text costs one unit", `ë${"€".repeat(69)}`, "UCS-2", 70, 1],
  ])("%s", (_name, text, encoding, units, segments) => {
    expect(analyzeContent(text)).toEqual({ encoding, units, segments });
    expect(oracle(text)).toMatchObject({ encoding, segments });
  });

  it("refuses content that is not a string", () => {
    expect(() => analyzeContent(undefined as unknown as string)).toThrow(
      expect.objectContaining({ code: "SMS_INVALID_CONTENT", name: "SmsInputError" }),
    );
  });

  it("counts lone surrogates as UCS-2 code units", () => {
    expect(analyzeContent("a\ud83d")).toEqual({ encoding: "UCS-2", units: 2, segments: 1 });
  });
});

describe("where analyzeContent and Twilio's calculator differ, by decision", () => {
  it("packs clusters of current Unicode that the calculator's older rules break apart", () => {
    // 🏴‍☠️ (5 units) is one grapheme under UAX #29 since Unicode 11; grapheme-splitter in
    // the calculator splits it after the ZWJ, so it lets a segment edge fall inside the flag.
    const text = `ë${x(63)}🏴‍☠️${x(64)}`;
    // Ours: 64 units | the flag + 62 units | 2 units. Calculator: 67 | 66.
    expect(analyzeContent(text)).toEqual({ encoding: "UCS-2", units: 133, segments: 3 });
    expect(oracle(text).segments).toBe(2);
  });

  it("cuts a grapheme longer than a segment between code points", () => {
    // The calculator leaves an empty first segment and overfills the next one.
    const text = `a${"\u0301".repeat(200)}`;
    expect(analyzeContent(text)).toEqual({ encoding: "UCS-2", units: 201, segments: 3 });
    expect(oracle(text).segments).toBe(2);
  });
});
