import { SmsProducer } from "@sms-relay/producer";
import {
  freePort,
  startRedisServer,
  startTestRedis,
  type TestRedis,
  waitFor,
} from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StackProcess, spawnStack } from "./process.js";

describe("pnpm start (the local stack)", () => {
  let redis: TestRedis;
  let stack: StackProcess | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    if (stack && stack.child.exitCode === null) stack.child.kill("SIGKILL");
    await redis?.close();
  });

  it("sends an SMS through the sandbox end to end and stops cleanly on SIGTERM", async () => {
    const prefix = redis.uniquePrefix("stack");
    const [healthPort, dashboardPort, sandboxPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    stack = spawnStack({
      REDIS_URL: redis.url,
      SMS_QUEUE_PREFIX: prefix,
      HEALTH_PORT: String(healthPort),
      DASHBOARD_PORT: String(dashboardPort),
      SANDBOX_PORT: String(sandboxPort),
      RECEIPTS_PORT: "0",
      DASHBOARD_USER: "ops",
      DASHBOARD_PASSWORD: "stack-test-password",
      LOG_LEVEL: "info",
    });
    const running = stack;
    await waitFor(
      () => running.lines().some((line) => line.msg.startsWith("sms-relay is running")),
      {
        timeoutMs: 30_000,
        description: `the stack to start (stderr: ${running.stderr()})`,
      },
    );

    const lines = running.lines();
    const redisLine = lines.find((line) => line.msg.startsWith("redis:"));
    expect(redisLine).toMatchObject({ source: "REDIS_URL" });
    const sandboxLine = lines.find((line) => line.msg.startsWith("SANDBOX MODE:"));
    expect(sandboxLine).toMatchObject({ level: 40, kpn: `http://127.0.0.1:${sandboxPort}` });
    expect(JSON.stringify(lines)).not.toContain("stack-test-password");

    const producer = new SmsProducer({ connection: redis.url, prefix });
    try {
      const { id } = await producer.send({ to: "0612345678", content: "Hallo vanuit de stack" });
      const status = await waitFor(
        async () => {
          const current = await producer.status(id);
          return current.state === "sent" ? current : undefined;
        },
        { timeoutMs: 30_000, description: "the SMS to be sent" },
      );
      expect(status.documentIds).toHaveLength(1);
      expect(status.documentIds[0]).toMatch(/\S/);
      // The sandbox reports delivery to the receipts app, signed; the SMS shows it.
      const delivered = await waitFor(
        async () => {
          const current = await producer.status(id);
          return current.delivery.state === "delivered" ? current : undefined;
        },
        { timeoutMs: 15_000, description: "the delivery report" },
      );
      expect(delivered.delivery.reportedAt).toMatch(/^\d{4}-/);
    } finally {
      await producer.close();
    }

    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(health.status).toBe(200);
    await health.body?.cancel();
    const dashboard = await fetch(`http://127.0.0.1:${dashboardPort}/api/queues`);
    expect(dashboard.status).toBe(401);
    await dashboard.body?.cancel();

    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    // Names what it started, and not the Redis of REDIS_URL, which is not its to stop.
    const stopping = running.lines().find((line) => line.msg.startsWith("stopping:"));
    expect(stopping).toMatchObject({
      msg: "stopping: dashboard, worker, receipts, kpn-sandbox",
      parts: ["dashboard", "worker", "receipts", "kpn-sandbox"],
    });
  });

  it("exits 1 with one reason when only half of the KPN credentials are set", async () => {
    const half = spawnStack({
      REDIS_URL: redis.url,
      KPN_CLIENT_ID: "only-the-id",
      DASHBOARD_USER: "ops",
      DASHBOARD_PASSWORD: "x",
    });
    expect(await half.exited).toBe(1);
    expect(half.stderr().trim().split("\n")).toHaveLength(1);
    expect(half.stderr()).toContain("KPN_CLIENT_SECRET is not set");
  });

  it("stops within its grace time on SIGTERM while Redis is gone, and at once on a second signal", async () => {
    const gone = await startRedisServer({});
    const prefix = gone.uniquePrefix("stack-gone");
    const env = async (grace: string) => ({
      REDIS_URL: gone.url,
      SMS_QUEUE_PREFIX: prefix,
      HEALTH_PORT: String(await freePort()),
      DASHBOARD_PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
      RECEIPTS_PORT: "0",
      DASHBOARD_USER: "ops",
      DASHBOARD_PASSWORD: "stack-test-password",
      SHUTDOWN_GRACE_MS: grace,
      LOG_LEVEL: "info",
    });
    const started = async (process: StackProcess) =>
      await waitFor(
        () => process.lines().some((line) => line.msg.startsWith("sms-relay is running")),
        { timeoutMs: 30_000, description: `the stack to start (stderr: ${process.stderr()})` },
      );
    try {
      const first = spawnStack(await env("2000"));
      stack = first;
      await started(first);
      await gone.stop({ hard: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalledAt = Date.now();
      first.child.kill("SIGTERM");
      await first.exited;
      // The worker's grace, a bounded moment for each other part, and room for a loaded machine.
      expect(Date.now() - signalledAt, first.stderr()).toBeLessThan(2000 + 6000 + 3000);

      await gone.start();
      const second = spawnStack(await env("60000"));
      stack = second;
      await started(second);
      await gone.stop({ hard: true });
      second.child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Usually the worker is still waiting on the Redis that is gone; now and then its close
      // gets through first, and then the stack has already ended cleanly.
      if (second.child.exitCode !== null) {
        expect(second.child.exitCode, second.stderr()).toBe(0);
        return;
      }
      const secondAt = Date.now();
      second.child.kill("SIGINT");
      expect(await second.exited).toBe(130);
      expect(Date.now() - secondAt).toBeLessThan(3000);
    } finally {
      await gone.close();
    }
  }, 90_000);
});
