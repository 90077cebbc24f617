import { fileURLToPath } from "node:url";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** `pnpm sms-relay …` from the repository root, as the README tells users to run it. */
function pnpmSmsRelay(args: string[], env: Record<string, string>) {
  return runProcess("pnpm", ["sms-relay", ...args], env, { cwd: repoRoot });
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
