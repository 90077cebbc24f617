import { fileURLToPath } from "node:url";
import { freePort, startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "./helpers.js";

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

function run(args: string[], env: Record<string, string>) {
  return runProcess(process.execPath, [bin, ...args], env);
}

describe("the sms-relay binary", () => {
  let redis: TestRedis;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startTestRedis();
    env = { REDIS_URL: redis.url, SMS_QUEUE_PREFIX: redis.uniquePrefix("bin") };
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("sends, prints the id, and exits 0 without lingering", async () => {
    const sent = await run(["send", "--to", "0612345678", "Hallo"], env);
    expect(sent.code).toBe(0);
    const id = sent.stdout.trim();
    const status = await run(["status", "--json", id], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, state: "waiting" });
  });

  it("exits 1 with one line when Redis is down", async () => {
    const result = await run(["dlq", "list"], {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("cannot reach Redis at redis://127.0.0.1:");
  });

  it("prints the overview with --help and exits 0", async () => {
    const result = await run(["--help"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dlq redrive");
  });

  it("prints its version and the dlq help as a process", async () => {
    const version = await run(["--version"], env);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^sms-relay \d+\.\d+\.\d+\S*\n$/);
    const dlqHelp = await run(["dlq", "--help"], env);
    expect(dlqHelp.code).toBe(0);
    expect(dlqHelp.stdout).toContain("dlq redrive");
  });

  it("starts with a node shebang so that it runs as `sms-relay`", async () => {
    const { readFile } = await import("node:fs/promises");
    expect((await readFile(bin, "utf8")).startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});
