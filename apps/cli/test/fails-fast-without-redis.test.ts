import { freePort } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("without Redis", () => {
  it.each([
    [["send", "--to", "0612345678", "Hallo"]],
    [["status", "abc"]],
    [["dlq", "list"]],
    [["dlq", "purge", "--all"]],
  ])("%j exits 1 at once with one line naming the Redis URL", async (argv) => {
    const port = await freePort();
    const started = Date.now();
    const run = await cli(argv, { REDIS_URL: `redis://127.0.0.1:${port}` });
    // Generous bound: the point is "does not hang", not a latency figure.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      new RegExp(`^sms-relay: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .+\\n$`),
    );
  });

  it("never shows the Redis password", async () => {
    const port = await freePort();
    const run = await cli(["status", "abc"], {
      REDIS_URL: `redis://user:hunter2@127.0.0.1:${port}`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("hunter2");
    expect(run.stderr).toContain(`redis://user:****@127.0.0.1:${port}`);
  });

  it("names a malformed REDIS_URL", async () => {
    const run = await cli(["status", "abc"], { REDIS_URL: "localhost:6379" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("invalid REDIS_URL");
  });
});
