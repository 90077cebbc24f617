import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GSM_BASIC_CHARACTERS, validateSender } from "../src/index.js";
import { numRuns } from "./support/num-runs.js";

function refusal(input: string): { code: string; message: string; input?: string } {
  try {
    validateSender(input);
  } catch (error) {
    return error as { code: string; message: string; input?: string };
  }
  throw new Error("expected a refusal");
}

describe("validateSender", () => {
  it.each([
    ["MyShop", "MyShop"],
    ["A", "A"],
    ["ElevenChars", "ElevenChars"],
    ["Bakker & Co", "Bakker & Co"],
    ["12345678901", "12345678901"],
    ["  MyShop  ", "MyShop"],
    ["Café", "Café"],
    ["ÄÖÜäöüß", "ÄÖÜäöüß"],
  ])("accepts %j as %j", (input, sender) => {
    expect(validateSender(input)).toBe(sender);
  });

  it.each([
    ["", /1 to 11 characters and not only spaces/],
    ["    ", /1 to 11 characters and not only spaces/],
    ["TwelveChars!", /at most 11 characters; got 12/],
    ["3197012345678", /at most 11 characters; got 13/],
    ["Bakkerij België", /at most 11 characters; got 15, and .*"ë"/],
    ["Shop€", /GSM 03.38 basic characters; got "€"/],
    ["[Shop]", /got "\[", "\]"/],
    ["Shop😀", /got "😀"/],
    ["Line\nBreak", /got "\\n"/],
  ])("refuses %j and says why", (input, reason) => {
    const error = refusal(input);
    expect(error).toMatchObject({ name: "SmsInputError", code: "SMS_INVALID_SENDER", input });
    expect(error.message).toMatch(reason);
  });

  it("refuses what is not a string", () => {
    expect(() => validateSender(null as unknown as string)).toThrow(
      expect.objectContaining({ code: "SMS_INVALID_SENDER" }),
    );
  });

  it("returns 1 to 11 basic GSM characters, trimmed, or refuses, on any input", () => {
    const input = fc.oneof(
      fc.string({ unit: fc.constantFrom(...GSM_BASIC_CHARACTERS, " ", "€", "ë"), maxLength: 14 }),
      fc.string({ unit: "grapheme", maxLength: 14 }),
    );
    fc.assert(
      fc.property(input, (value) => {
        let sender: string;
        try {
          sender = validateSender(value);
        } catch (error) {
          expect(error).toMatchObject({ code: "SMS_INVALID_SENDER" });
          return;
        }
        expect(sender).toBe(value.trim());
        expect(sender.length).toBeGreaterThanOrEqual(1);
        expect(sender.length).toBeLessThanOrEqual(11);
        for (const char of sender) {
          expect(GSM_BASIC_CHARACTERS.includes(char) && char !== "\n" && char !== "\r").toBe(true);
        }
      }),
      { numRuns: numRuns(3000) },
    );
  });
});
