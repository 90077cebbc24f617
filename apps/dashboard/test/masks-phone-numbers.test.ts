import { describe, expect, it } from "vitest";
import { maskNumber, maskPhoneNumbers } from "../src/index.js";

describe("maskPhoneNumbers", () => {
  it.each([
    ["+31612345678", "+316****5678"],
    ["+31970123456789", "+319****6789"],
    ["06 1234 5678", "+316****5678"],
    ["12345", "****"],
  ])("masks %s as %s", (input, expected) => {
    expect(maskNumber(input)).toBe(expected);
  });

  it("masks `to` fields whatever they hold and numbers inside other text", () => {
    const input = {
      to: "0612345678",
      content: "Bel +31612345678 terug",
      nested: { message: { to: "+31687654321" }, list: ["+31611112222"] },
      count: 3,
      missing: null,
    };
    expect(maskPhoneNumbers(input)).toEqual({
      to: "+316****5678",
      content: "Bel +316****5678 terug",
      nested: { message: { to: "+316****4321" }, list: ["+316****2222"] },
      count: 3,
      missing: null,
    });
    expect(input.to).toBe("0612345678");
  });

  it("leaves short digit runs, dates and ids alone", () => {
    const text = "order 12345, code 1234, at 2025-01-31T10:00:00Z, id 9f1c";
    expect(maskPhoneNumbers(text)).toBe(text);
  });
});
