import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMobileNumber, normalizeMobileNumber } from "../src/index.js";
import { numRuns } from "./support/num-runs.js";

function refusal(input: string): { code: string; message: string; input?: string } {
  try {
    normalizeMobileNumber(input);
  } catch (error) {
    return error as { code: string; message: string; input?: string };
  }
  throw new Error("expected a refusal");
}

describe("normalizeMobileNumber", () => {
  it.each([
    "0612345678",
    "06 12345678",
    "06-12345678",
    "06.12.34.56.78",
    "06 1234 5678",
    "(06) 12345678",
    "+31612345678",
    "+31 6 1234 5678",
    "+31 (0)6 12345678",
    "+31 (0)6-1234-5678",
    "+31 06 12345678",
    "0031612345678",
    "0031 6 12345678",
    "0031 (0)6 12345678",
    "31612345678",
    "  06 12345678\n",
    "06\u00a012345678",
  ])("turns %j into +31612345678", (input) => {
    expect(normalizeMobileNumber(input)).toBe("+31612345678");
  });

  it.each([
    ["097012345678", "+3197012345678"],
    ["097 0123 45678", "+3197012345678"],
    ["+31 97 012345678", "+3197012345678"],
    ["003197012345678", "+3197012345678"],
    ["+31 (0)97 912345678", "+3197912345678"],
  ])("turns the machine-to-machine number %j into %s", (input, expected) => {
    expect(normalizeMobileNumber(input)).toBe(expected);
  });

  it.each(["061", "062", "063", "064", "065", "066", "068"])("accepts the %s range", (range) => {
    expect(normalizeMobileNumber(`${range}1234567`)).toBe(`+31${range.slice(1)}1234567`);
  });

  it.each([
    ["0601234567", /060 range/],
    ["+31 671234567", /067 range/],
    ["06 91234567", /069 range/],
    ["061234567", /8 digits after 06; got 7/],
    ["06123456789", /8 digits after 06; got 9/],
    ["09701234567", /9 digits after 097; got 8/],
    ["0970123456789", /9 digits after 097; got 10/],
    ["020 1234567", /landline/],
    ["010-1234567", /landline/],
    ["0800 1234", /service or special number/],
    ["0900 1234567", /service or special number/],
    ["+32 470 12 34 56", /not Dutch/],
    ["0032470123456", /not Dutch/],
    ["+1 212 555 0100", /not Dutch/],
    ["612345678", /must start with 06 or 097/],
    ["", /empty/],
    ["   ", /empty/],
    ["+31", /incomplete/],
    ["06 1234 567a", /may only contain digits/],
    ["06+12345678", /\+ at the start/],
    ["++31612345678", /\+ at the start/],
  ])("refuses %j and says what is wrong", (input, reason) => {
    const error = refusal(input);
    expect(error).toMatchObject({ name: "SmsInputError", code: "SMS_INVALID_NUMBER" });
    expect(error.message).toMatch(reason);
  });

  it("never quotes the number in the message, and keeps it only masked", () => {
    const error = refusal("+31 6 1234 56789");
    expect(error.message).not.toMatch(/1234|56789/);
    expect(error.input).toBe("+31 ********6789");
  });

  it("refuses what is not a string", () => {
    expect(() => normalizeMobileNumber(612345678 as unknown as string)).toThrow(
      expect.objectContaining({ code: "SMS_INVALID_NUMBER" }),
    );
  });

  it("normalizes every way of writing an accepted number to the same E.164 form", () => {
    const subscriber = fc.oneof(
      fc
        .tuple(
          fc.constantFrom("61", "62", "63", "64", "65", "66", "68"),
          fc.stringMatching(/^\d{7}$/),
        )
        .map(([range, rest]) => `${range}${rest}`),
      fc.stringMatching(/^\d{9}$/).map((rest) => `97${rest}`),
    );
    const prefix = fc.constantFrom("0", "+31", "+31 ", "+31 (0)", "0031", "0031 ", "31", "+31 0");
    const separator = fc.constantFrom("", " ", "-", ".", " - ");
    fc.assert(
      fc.property(
        subscriber,
        prefix,
        fc.array(separator, { maxLength: 12 }),
        (national, pre, seps) => {
          const digits = [...national];
          const typed = pre + digits.map((digit, i) => digit + (seps[i] ?? "")).join("");
          const normalized = normalizeMobileNumber(typed);
          expect(normalized).toBe(`+31${national}`);
          expect(isMobileNumber(normalized)).toBe(true);
          expect(normalizeMobileNumber(normalized)).toBe(normalized);
        },
      ),
      { numRuns: numRuns(2000) },
    );
  });

  it("either returns an accepted number or refuses with SMS_INVALID_NUMBER, on any input", () => {
    const typed = fc.oneof(
      fc.string({ unit: fc.constantFrom(..."0123456789 +-.()"), maxLength: 20, size: "max" }),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(typed, (input) => {
        try {
          expect(isMobileNumber(normalizeMobileNumber(input))).toBe(true);
        } catch (error) {
          expect(error).toMatchObject({ code: "SMS_INVALID_NUMBER" });
          // At most the digits of a country code or a count may appear in the message.
          expect((error as Error).message).not.toMatch(/\d{5}/);
        }
      }),
      { numRuns: numRuns(3000) },
    );
  });
});

describe("isMobileNumber", () => {
  it.each([
    ["+31612345678", true],
    ["+3197012345678", true],
    ["+31601234567", false],
    ["+31671234567", false],
    ["+31691234567", false],
    ["0612345678", false],
    ["+31 612345678", false],
    ["+316123456789", false],
    ["+3197012345678 ", false],
    ["+32470123456", false],
  ])("%j → %s", (input, expected) => {
    expect(isMobileNumber(input)).toBe(expected);
  });
});
