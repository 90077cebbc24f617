import { describe, expect, it } from "vitest";
import { formatTable } from "../lib/report.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { compareRounds, median, percentile, verdictOf } from "../lib/stats.mjs";

describe("median", () => {
  it("takes the middle value of an odd count and the mean of the two middle ones of an even count", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe("percentile", () => {
  it("takes the value at the nearest rank, whatever the order of the answer times", () => {
    const times = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(times, 0.5)).toBe(50);
    expect(percentile(times, 0.99)).toBe(99);
    expect(percentile([7, 3], 0.99)).toBe(7);
    expect(percentile([7], 0.5)).toBe(7);
  });

  it("refuses no values and a fraction outside (0, 1]", () => {
    expect(() => percentile([], 0.5)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(/fraction/);
    expect(() => percentile([1], 99)).toThrow(/fraction/);
  });
});

describe("compareRounds", () => {
  it("reports subject speed over baseline speed for rates, round by round", () => {
    const comparison = compareRounds([100, 200, 100], [80, 100, 90], { higherIsBetter: true });
    expect(comparison.ratio.rounds).toEqual([0.8, 0.5, 0.9]);
    expect(comparison.ratio.median).toBe(0.8);
    expect(comparison.baseline.median).toBe(100);
    expect(comparison.subject.median).toBe(90);
  });

  it("inverts times, so that a ratio above 1 always means the subject is faster", () => {
    const comparison = compareRounds([10], [40], { higherIsBetter: false });
    expect(comparison.ratio.median).toBe(0.25);
  });

  it("refuses unpaired rounds", () => {
    expect(() => compareRounds([1, 2], [1], { higherIsBetter: true })).toThrow(/same number/);
  });
});

describe("verdictOf", () => {
  it("says OK at or above the target, MISSED below it, and nothing without a target", () => {
    expect(verdictOf(0.8, 0.8)).toBe("OK");
    expect(verdictOf(0.79, 0.8)).toBe("MISSED");
    expect(verdictOf(0.5, undefined)).toBe("-");
  });
});

describe("runRounds", () => {
  it("rotates which contestant goes first and drops the warm-up round", async () => {
    const order: string[] = [];
    const contestant = (name: string) => async () => {
      order.push(name);
      return order.length;
    };
    const results = await runRounds({
      rounds: 2,
      warmupRounds: 1,
      contestants: { a: contestant("a"), b: contestant("b") },
    });
    expect(order).toEqual(["b", "a", "a", "b", "b", "a"]);
    expect(results.a).toEqual([3, 6]);
    expect(results.b).toEqual([4, 5]);
  });
});

describe("formatTable", () => {
  it("shows each row's medians, ratio, target and verdict, and a crashed benchmark as CRASHED", () => {
    const table = formatTable([
      {
        name: "client send",
        unit: "sends/s",
        ...compareRounds([10_000], [7_000], { higherIsBetter: true }),
        target: 0.8,
      },
      { name: "worker", error: "redis-server exited" },
    ]);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^benchmark\s+unit\s+baseline\s+subject\s+ratio\s+target\s+verdict$/);
    expect(lines[2]).toMatch(
      /^client send\s+sends\/s\s+10,000\s+7,000\s+0\.70\s+>= 0\.80\s+MISSED$/,
    );
    expect(lines[3]).toMatch(/^worker\s.*CRASHED$/);
    expect(table).toContain("worker: redis-server exited");
  });
});
