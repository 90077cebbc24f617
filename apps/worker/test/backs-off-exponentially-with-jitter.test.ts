import { describe, expect, it } from "vitest";
import { computeBackoffMs, createBackoffStrategy } from "../src/backoff.js";

describe("sms backoff", () => {
  it("doubles its ceiling per attempt and stops at the cap", () => {
    const top = () => 0.999_999;
    const options = { baseMs: 100, maxMs: 1000, random: top };
    expect(computeBackoffMs(1, options)).toBe(99);
    expect(computeBackoffMs(2, options)).toBe(199);
    expect(computeBackoffMs(3, options)).toBe(399);
    expect(computeBackoffMs(4, options)).toBe(799);
    expect(computeBackoffMs(5, options)).toBe(999);
    expect(computeBackoffMs(60, options)).toBe(999);
  });

  it("spreads delays over the whole window (full jitter)", () => {
    const delays = Array.from({ length: 200 }, () =>
      computeBackoffMs(3, { baseMs: 1000, maxMs: 60_000 }),
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(4000);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });

  it("waits at least the Retry-After the error carries", () => {
    const strategy = createBackoffStrategy({ baseMs: 10, maxMs: 100, random: () => 0.5 });
    const error = Object.assign(new Error("rate limited"), { retryAfterMs: 5000 });
    expect(strategy(1, "sms", error)).toBe(5000);
    expect(strategy(1, "sms", new Error("plain"))).toBe(5);
  });
});
