import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../src/index.js";

const now = Date.parse("2025-01-01T12:00:00Z");

describe("parseRetryAfter", () => {
  it.each<[string | undefined, number | undefined]>([
    ["0", 0],
    ["7", 7000],
    [" 120 ", 120_000],
    ["1.5", 1500],
    ["Wed, 01 Jan 2025 12:00:30 GMT", 30_000],
    ["Wed, 01 Jan 2025 11:59:00 GMT", 0],
    ["Wednesday, 01-Jan-25 12:01:00 GMT", 60_000],
    [undefined, undefined],
    ["", undefined],
    ["-5", undefined],
    ["soon", undefined],
    ["12abc", undefined],
    ["86400", 86_400_000],
    ["86401", 86_400_000],
    [`1${"0".repeat(30)}`, 86_400_000],
    ["Fri, 31 Dec 9999 23:59:59 GMT", 86_400_000],
    [`Wed, 01 Jan 2025 12:00:30 GMT${" x".repeat(20)}`, undefined],
  ])("%j → %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it("measures dates from the current time by default", () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const ms = parseRetryAfter(inTenSeconds);
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(10_000);
  });
});
