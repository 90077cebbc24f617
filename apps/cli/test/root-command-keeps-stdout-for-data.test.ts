import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** `pnpm sms-relay …` from the repository root, as the README tells users to run it. */
function pnpmSmsRelay(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const { REDIS_URL: _unused, ...inherited } = process.env;
    const child = spawn("pnpm", ["sms-relay", ...args], {
      cwd: repoRoot,
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("pnpm sms-relay from the repository root", () => {
  let redis: TestRedis;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startTestRedis();
    env = { REDIS_URL: redis.url, SMS_QUEUE_PREFIX: redis.uniquePrefix("root") };
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("prints nothing but the JSON on stdout, so it can be piped", async () => {
    const listed = await pnpmSmsRelay(["dlq", "list", "--json"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ total: 0 });
  });

  it("prints only the job id on stdout after a send", async () => {
    const sent = await pnpmSmsRelay(["send", "--to", "0612345678", "Hallo"], env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout.trim()).toMatch(/^[A-Za-z0-9-]+$/);
  });
});
