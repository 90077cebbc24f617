import { describe, expect, it } from "vitest";
import { busiestWindow, sustainedRate } from "../lib/arrivals.mjs";

describe("busiestWindow", () => {
  it("counts the most arrivals in any window, a window's end excluded", () => {
    expect(busiestWindow([0, 999, 1000, 1500, 1999.5], 1000)).toBe(3);
    expect(busiestWindow([2000, 0, 1000], 1000)).toBe(1);
    expect(busiestWindow([], 1000)).toBe(0);
  });
});

describe("sustainedRate", () => {
  it("gives the limit for bursts of the limit once a second and for an even spread", () => {
    const bursts = Array.from({ length: 80 }, (_, i) => Math.floor(i / 20) * 1000);
    expect(sustainedRate(bursts, 20)).toBe(20);
    const even = Array.from({ length: 80 }, (_, i) => i * 50);
    expect(sustainedRate(even, 20)).toBe(20);
  });

  it("reads a slower limiter as slower", () => {
    const slow = Array.from({ length: 80 }, (_, i) => Math.floor(i / 20) * 1100);
    expect(sustainedRate(slow, 20)).toBeCloseTo(20 / 1.1, 10);
  });

  it("refuses a run no longer than its first burst", () => {
    expect(() => sustainedRate([0, 0, 0], 3)).toThrow(RangeError);
    expect(() => sustainedRate([0, 0, 0, 0], 3)).toThrow(/more than 3 arrivals/);
  });
});
