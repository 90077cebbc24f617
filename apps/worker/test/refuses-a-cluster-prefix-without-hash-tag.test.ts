import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseWorkerEnv, type WorkerConfigError } from "../src/env.js";
import { WORKER_MAIN } from "./support/worker-process.js";

const required = { KPN_CLIENT_ID: "id", KPN_CLIENT_SECRET: "secret" };

function refusal(env: Record<string, string>): WorkerConfigError {
  try {
    parseWorkerEnv({ ...required, ...env });
  } catch (error) {
    return error as WorkerConfigError;
  }
  throw new Error("expected the configuration to be refused");
}

describe("REDIS_CLUSTER=1 with an SMS_QUEUE_PREFIX that is no hash tag", () => {
  it.each([
    { prefix: undefined, shown: "bull" },
    { prefix: "bull", shown: "bull" },
    { prefix: "sms", shown: "sms" },
    { prefix: "{}sms", shown: "{}sms" },
    { prefix: "{sms", shown: "{sms" },
  ])("refuses prefix $prefix in one line naming SMS_QUEUE_PREFIX", ({ prefix, shown }) => {
    const error = refusal({ REDIS_CLUSTER: "1", ...(prefix ? { SMS_QUEUE_PREFIX: prefix } : {}) });
    expect(error.code).toBe("WORKER_CONFIG_INVALID");
    expect(error.variables).toEqual(["SMS_QUEUE_PREFIX"]);
    expect(error.message).toMatch(
      /^Invalid worker configuration: SMS_QUEUE_PREFIX must hold a hash tag such as \{sms\} when REDIS_CLUSTER=1/,
    );
    expect(error.message).toContain(`(got "${shown}")`);
    expect(error.message).not.toContain("\n");
  });

  it("accepts hash-tagged prefixes on a cluster and any prefix without one", () => {
    for (const prefix of ["{sms}", "shop{sms}"]) {
      expect(
        parseWorkerEnv({ ...required, REDIS_CLUSTER: "1", SMS_QUEUE_PREFIX: prefix }),
      ).toMatchObject({
        redisCluster: true,
        queuePrefix: prefix,
      });
    }
    expect(parseWorkerEnv({ ...required, SMS_QUEUE_PREFIX: "bull" }).queuePrefix).toBe("bull");
  });

  it("makes the worker process exit 1 at start with that line, before connecting", async () => {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        PATH: process.env.PATH,
        ...required,
        REDIS_CLUSTER: "1",
        // Nothing listens here: the refusal must come before any connection attempt.
        REDIS_URL: "redis://127.0.0.1:1",
        HEALTH_PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // A worker that did start would run until stopped: stop it, so the test fails and leaks nothing.
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^Invalid worker configuration: SMS_QUEUE_PREFIX must hold a hash tag/),
    ]);
    expect(stdout).not.toContain("CROSSSLOT");
  });
});
