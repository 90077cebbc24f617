import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReceiptsEnv } from "../src/env.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  stop(): Promise<void>;
}

/** Runs the built app with exactly `env` (plus PATH); resolves once `until` holds or it exits. */
async function run(env: Record<string, string>, until: (run: Run) => boolean): Promise<Run> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const result: Run = {
    stdout: "",
    stderr: "",
    code: null,
    async stop() {
      if (result.code === null) child.kill("SIGTERM");
      await exited;
    },
  };
  child.stdout.on("data", (chunk) => {
    result.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    result.stderr += chunk;
  });
  child.once("exit", (code) => {
    result.code = code;
  });
  await waitFor(() => result.code !== null || until(result), { timeoutMs: 15_000 });
  return result;
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

describe("node dist/main.js", () => {
  it("refuses to start without KPN_WEBHOOK_KEYS, in one line naming it", async () => {
    const result = await run({ REDIS_URL: redis.url, RECEIPTS_PORT: "0" }, () => false);
    await result.stop();
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("KPN_WEBHOOK_KEYS");
    expect(lines[0]).toContain("RECEIPTS_VERIFY=off");
  });

  it("starts with RECEIPTS_VERIFY=off, with one warning, and accepts unsigned reports", async () => {
    const port = await freePort();
    const result = await run(
      { REDIS_URL: redis.url, RECEIPTS_PORT: String(port), RECEIPTS_VERIFY: "off" },
      (r) => r.stdout.includes("receipts listening"),
    );
    try {
      expect(result.code).toBeNull();
      const lines = result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      const warnings = lines.filter((line) => line.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].msg).toContain("RECEIPTS_VERIFY=off");
      const response = await fetch(`http://127.0.0.1:${port}/kpn/dlr/AAAAAAAAAAAAAAAAAAAAAA`, {
        method: "POST",
        body: JSON.stringify({ RecipientPhonenumber: "0612345678", Status: 1 }),
      });
      expect(response.status).toBe(204);
      expect(result.stdout).not.toContain("0612345678");
      expect(result.stdout).not.toContain("31612345678");
    } finally {
      await result.stop();
    }
    expect(result.code).toBe(0);
  });

  it("starts with keys and never logs a secret", async () => {
    const port = await freePort();
    const result = await run(
      {
        REDIS_URL: redis.url,
        RECEIPTS_PORT: String(port),
        KPN_WEBHOOK_KEYS: "key-a:very-secret-a,key-b:very-secret-b",
      },
      (r) => r.stdout.includes("receipts listening"),
    );
    await result.stop();
    expect(result.stdout).toContain("key-a");
    expect(`${result.stdout}${result.stderr}`).not.toContain("very-secret");
    expect(result.stdout).not.toMatch(/"level":40/);
  });
});

describe("parseReceiptsEnv", () => {
  it("has the contract's defaults", () => {
    expect(parseReceiptsEnv({ KPN_WEBHOOK_KEYS: "k:s" })).toEqual({
      port: 8090,
      host: "127.0.0.1",
      redisUrl: "redis://127.0.0.1:6379",
      redisCluster: false,
      prefix: "bull",
      logLevel: "info",
      keys: [{ id: "k", secret: "s" }],
    });
  });

  it("keeps a ':' inside a secret and reads several keys", () => {
    expect(parseReceiptsEnv({ KPN_WEBHOOK_KEYS: "a:x:y, *:z" }).keys).toEqual([
      { id: "a", secret: "x:y" },
      { id: "*", secret: "z" },
    ]);
  });

  it.each([
    [{ KPN_WEBHOOK_KEYS: "no-colon-secret" }, "KPN_WEBHOOK_KEYS"],
    [{ KPN_WEBHOOK_KEYS: "k:s", RECEIPTS_PORT: "80000" }, "RECEIPTS_PORT"],
    [{ KPN_WEBHOOK_KEYS: "k:s", RECEIPTS_VERIFY: "maybe" }, "RECEIPTS_VERIFY"],
    [{ KPN_WEBHOOK_KEYS: "k:s", REDIS_CLUSTER: "1" }, "SMS_QUEUE_PREFIX"],
  ])("refuses %j naming %s, without showing a secret", (env, variable) => {
    expect(() => parseReceiptsEnv(env)).toThrow(
      expect.objectContaining({ code: "RECEIPTS_CONFIG_INVALID", variables: [variable] }),
    );
    try {
      parseReceiptsEnv(env);
    } catch (error) {
      expect((error as Error).message).not.toContain("no-colon-secret");
    }
  });

  it("accepts a hash-tagged prefix on a cluster", () => {
    const config = parseReceiptsEnv({
      KPN_WEBHOOK_KEYS: "k:s",
      REDIS_CLUSTER: "1",
      SMS_QUEUE_PREFIX: "{sms}",
    });
    expect(config).toMatchObject({ redisCluster: true, prefix: "{sms}" });
  });
});
