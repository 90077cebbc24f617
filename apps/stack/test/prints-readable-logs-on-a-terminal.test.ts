import { spawn } from "node:child_process";
import { findOnPath } from "@sms-relay/runtime";
import { freePort, startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACK_MAIN } from "./process.js";

const ANSI = /\x1b\[[0-9;]*m/g;

// `script` runs the stack on a pseudo-terminal, as `pnpm start` in a terminal window does.
describe.skipIf(!findOnPath("script", process.env.PATH ?? ""))("pnpm start on a terminal", () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("prints readable lines instead of JSON", async () => {
    const {
      REDIS_URL: _redis,
      KPN_CLIENT_ID: _id,
      KPN_CLIENT_SECRET: _secret,
      ...inherited
    } = process.env;
    const child = spawn("script", ["-qec", '"$NODE" "$STACK_MAIN"', "/dev/null"], {
      env: {
        ...inherited,
        NODE: process.execPath,
        STACK_MAIN,
        REDIS_URL: redis.url,
        SMS_QUEUE_PREFIX: redis.uniquePrefix("tty"),
        HEALTH_PORT: String(await freePort()),
        DASHBOARD_PORT: String(await freePort()),
        SANDBOX_PORT: String(await freePort()),
        RECEIPTS_PORT: "0",
        DASHBOARD_USER: "ops",
        DASHBOARD_PASSWORD: "stack-test-password",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await waitFor(() => output.includes("sms-relay is running"), {
        timeoutMs: 30_000,
        description: `the stack to start (output: ${output})`,
      });
      const lines = output.replace(ANSI, "").trim().split(/\r?\n/);
      expect(lines.find((line) => line.startsWith("{"))).toBeUndefined();
      expect(lines).toContainEqual(
        expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: redis: using REDIS_URL \{/),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] WARN: SANDBOX MODE: /));
      expect(lines).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] INFO: \[worker\] /));
      expect(output).not.toContain("stack-test-password");
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});
