import { describe, expect, it } from "vitest";
import { createLogThrottle } from "../src/index.js";

describe("createLogThrottle", () => {
  it("logs the first line of a kind, counts the rest within the interval, then reports them", () => {
    let now = 0;
    const throttle = createLogThrottle({ intervalMs: 1000, now: () => now });
    const logged: [string, number][] = [];
    for (let i = 0; i < 18_700; i++) {
      now = Math.floor(i / 3); // 6 s of errors at ~3 per millisecond
      throttle("redis", (suppressed) => logged.push(["redis", suppressed]));
    }
    throttle("other", (suppressed) => logged.push(["other", suppressed]));
    expect(logged.length).toBeLessThanOrEqual(8);
    expect(logged[0]).toEqual(["redis", 0]);
    expect(logged[1]?.[1]).toBeGreaterThan(2000);
    expect(logged.at(-1)).toEqual(["other", 0]);
  });
});
