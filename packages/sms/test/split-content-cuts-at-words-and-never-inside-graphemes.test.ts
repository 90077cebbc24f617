import { describe, expect, it } from "vitest";
import { splitContent } from "../src/index.js";

const family = "👨‍👩‍👧‍👦"; // 11 code units: four people joined by ZWJ

describe("splitContent", () => {
  it.each([
    ["empty text", "", 5, []],
    ["one unit", "a", 1, ["a"]],
    ["exactly maxLength", "abcde", 5, ["abcde"]],
    ["maxLength + 1 without whitespace", "abcdef", 5, ["abcde", "f"]],
    ["maxLength + 1 ending in whitespace", "abcde ", 5, ["abcde"]],
    ["no whitespace at all", "abcdefghij", 4, ["abcd", "efgh", "ij"]],
    ["whitespace in the last fifth", "aaaaaaaa bbbbbbbbbbb", 10, ["aaaaaaaa", "bbbbbbbbbb", "b"]],
    ["whitespace right after the window", "aaaaaaaaaa bbb", 10, ["aaaaaaaaaa", "bbb"]],
    ["whitespace before the last fifth", "aaaa bbbbbbbbbbbb", 10, ["aaaa bbbbb", "bbbbbbb"]],
    ["a run of whitespace at the cut", "aaaaaaaaa \n\n bbb", 10, ["aaaaaaaaa", "bbb"]],
    ["CR LF at the cut", "aaaaaaaaa\r\nbbbb", 10, ["aaaaaaaaa", "bbbb"]],
    ["whitespace carrying a combining mark", "aaaaaaaa \u0301bb", 10, ["aaaaaaaa", " \u0301bb"]],
    [
      "a no-break space is no place to cut",
      "aaaaaaaa\u00a0bbbbbbbbbbb",
      10,
      ["aaaaaaaa\u00a0b", "bbbbbbbbbb"],
    ],
    ["leading whitespace longer than the window", "      abc", 3, ["   ", "   ", "abc"]],
    ["skin-tone emoji", "👍🏽👍🏽", 5, ["👍🏽", "👍🏽"]],
    ["flags", "🇳🇱🇧🇪🇳🇱", 6, ["🇳🇱", "🇧🇪", "🇳🇱"]],
    ["a ZWJ sequence that fits", `ab${family}`, 12, ["ab", family]],
    ["letters with combining marks", "e\u0301e\u0301e\u0301", 3, ["e\u0301", "e\u0301", "e\u0301"]],
    ["an emoji straddling the window edge", "abcd😀", 5, ["abcd", "😀"]],
  ])("%s", (_name, text, maxLength, parts) => {
    expect(splitContent(text, maxLength)).toEqual(parts);
  });

  it("cuts a single grapheme longer than the window between code points", () => {
    expect(splitContent(`a${"\u0301".repeat(5)}`, 4)).toEqual([
      `a${"\u0301".repeat(3)}`,
      "\u0301\u0301",
    ]);
    // 4 would split the surrogate pair of 👩, so the first part stops at 3.
    expect(splitContent(family, 4)).toEqual(["👨‍", "👩‍", "👧‍", "👦"]);
  });

  it("pairs regional indicators as in the whole text after cutting an oversized grapheme", () => {
    // U+0600 (a Prepend character) glues itself to the first flag: one grapheme of 5 units.
    expect(splitContent("\u0600🇧🇪🇧🇪", 4)).toEqual(["\u0600🇧", "🇪", "🇧🇪"]);
  });

  it("cuts a surrogate pair only when maxLength is 1, where no code point fits", () => {
    expect(splitContent("😀", 1)).toEqual(["\ud83d", "\ude00"]);
    expect(splitContent("😀", 2)).toEqual(["😀"]);
  });

  it("ends parts of a long Dutch message at words, within the KPN limit", () => {
    const sentence = "Uw pakket met ordernummer 12345 wordt morgen tussen 09:00 en 13:00 bezorgd. ";
    const text = sentence.repeat(40).trim();
    const parts = splitContent(text, 1000);
    expect(parts).toHaveLength(4);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(1000);
      expect(part).not.toMatch(/^\s|\s$/);
    }
    for (const part of parts.slice(0, -1)) expect(part.length).toBeGreaterThanOrEqual(800);
    expect(parts.join(" ")).toBe(text);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses maxLength %s with SMS_INVALID_CONTENT",
    (maxLength) => {
      expect(() => splitContent("hello", maxLength)).toThrow(
        expect.objectContaining({ code: "SMS_INVALID_CONTENT", name: "SmsInputError" }),
      );
    },
  );

  it("refuses content that is not a string", () => {
    expect(() => splitContent(42 as unknown as string, 10)).toThrow(
      expect.objectContaining({ code: "SMS_INVALID_CONTENT" }),
    );
  });
});
