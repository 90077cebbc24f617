import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOnPath, freePort, portIsFree, redisAnswers } from "@sms-relay/runtime";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackEnv, startRedisChild, startStack } from "../src/index.js";

const silent = pino({ level: "silent" });
const redisServer = findOnPath("redis-server", process.env.PATH ?? "");

describe.skipIf(!redisServer)("the parts of the local stack", () => {
  let repoRoot: string;

  beforeAll(async () => {
    repoRoot = await mkdtemp(join(tmpdir(), "sms-relay-stack-parts-"));
  });
  afterAll(async () => {
    await rm(repoRoot, { recursive: true, force: true });
  });

  it("are what it started: its Redis child, and no sandbox or receipts with real credentials", async () => {
    const stack = await startStack({
      env: parseStackEnv({
        // Real credentials and no KPN_WEBHOOK_KEYS: no sandbox, no receipts app. Nothing is
        // queued, so the API is never called.
        KPN_CLIENT_ID: "id",
        KPN_CLIENT_SECRET: "secret",
        KPN_BASE_URL: "http://127.0.0.1:9",
        HEALTH_PORT: "0",
        DASHBOARD_PORT: "0",
        DASHBOARD_USER: "ops",
        DASHBOARD_PASSWORD: "stack-parts-password",
        LOG_LEVEL: "silent",
      }),
      repoRoot,
      logger: silent,
      redisDeps: {
        // As on a machine without a Redis: the stack starts its own, on a free port.
        answers: async () => false,
        findBinary: () => redisServer,
        portIsFree: async () => false,
        freePort: () => freePort(),
        startChild: startRedisChild,
      },
    });
    try {
      expect(stack.sandbox).toBe(false);
      expect(stack.receiptsUrl).toBeUndefined();
      expect(stack.parts).toEqual(["dashboard", "worker", "redis"]);
      expect(await redisAnswers(stack.redisUrl)).toBe(true);
    } finally {
      await stack.close();
    }
    // Stopping the parts stopped the child.
    expect(await portIsFree(Number(new URL(stack.redisUrl).port))).toBe(true);
  });
});
