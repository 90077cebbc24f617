import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, startTestRedis, type TestRedis, waitFor } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  let stdout = "";
  let stderr = "";
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [main], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe("the dashboard process", () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it("refuses to start without credentials, with one line saying how to fix it", async () => {
    const { exited, stderr, stdout } = run({
      REDIS_URL: redis.url,
      DASHBOARD_PORT: String(await freePort()),
      DASHBOARD_USER: "ops",
    });
    expect(await exited).toBe(1);
    const lines = stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("DASHBOARD_PASSWORD");
    expect(lines[0]).toContain("DASHBOARD_AUTH=off");
    expect(stdout()).toBe("");
  });

  it("runs without auth when DASHBOARD_AUTH=off, warns about it, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const proc = run({
      REDIS_URL: redis.url,
      SMS_QUEUE_PREFIX: redis.uniquePrefix("proc"),
      DASHBOARD_PORT: String(port),
      DASHBOARD_AUTH: "off",
    });
    try {
      await waitFor(() => proc.stdout().includes("dashboard listening"), {
        timeoutMs: 20_000,
        description: "the dashboard to listen",
      });
      const lines = proc
        .stdout()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(
        lines.some((line) => line.level === 40 && line.msg.includes("authentication is OFF")),
      ).toBe(true);
      const response = await fetch(`http://127.0.0.1:${port}/api/queues`);
      expect(response.status).toBe(200);
      await response.body?.cancel();
    } finally {
      proc.child.kill("SIGTERM");
    }
    expect(await proc.exited).toBe(0);
  });
});
