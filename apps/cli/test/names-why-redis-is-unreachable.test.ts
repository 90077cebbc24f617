import { createServer, type Server, type Socket } from "node:net";
import { freePort, startRedisServer, type TestRedis } from "@sms-relay/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const argv = ["dlq", "list"];

describe("a Redis that cannot be used", () => {
  it("names a refused connection", async () => {
    const port = await freePort();
    const run = await cli(argv, { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `sms-relay: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });

  it("names a host that does not resolve", async () => {
    const run = await cli(argv, { REDIS_URL: "redis://nosuchhost.invalid:6379" });
    expect(run.code).toBe(1);
    // ENOTFOUND where a resolver answers, EAI_AGAIN where none can be asked.
    expect(run.stderr).toMatch(
      /^sms-relay: cannot reach Redis at redis:\/\/nosuchhost\.invalid:6379: getaddrinfo (ENOTFOUND|EAI_AGAIN) nosuchhost\.invalid\n$/,
    );
  });

  describe("that accepts the connection and never answers", () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it("says it timed out, within the time it names", async () => {
      const started = Date.now();
      const run = await cli(argv, { REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(Date.now() - started).toBeLessThan(6000);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `sms-relay: cannot reach Redis at redis://127.0.0.1:${port}: no answer within 3000 ms\n`,
      );
    });
  });

  describe("with a password", () => {
    const password = "right-secret";
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedisServer();
      const admin = new Redis(redis.url);
      await admin.config("SET", "requirepass", password);
      admin.disconnect();
    });
    afterAll(async () => {
      await redis?.close();
    });

    it("names a wrong password without showing it", async () => {
      const run = await cli(argv, { REDIS_URL: `redis://:wrong-secret@127.0.0.1:${redis.port}` });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `sms-relay: cannot reach Redis at redis://:****@127.0.0.1:${redis.port}: WRONGPASS invalid username-password pair or user is disabled (check the user and password in REDIS_URL)\n`,
      );
      expect(run.stderr).not.toContain("wrong-secret");
    });

    it("names a missing password", async () => {
      const run = await cli(argv, { REDIS_URL: `redis://127.0.0.1:${redis.port}` });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `sms-relay: cannot reach Redis at redis://127.0.0.1:${redis.port}: NOAUTH Authentication required (check the user and password in REDIS_URL)\n`,
      );
    });

    it("works with the right one", async () => {
      const run = await cli(argv, {
        REDIS_URL: `redis://:${password}@127.0.0.1:${redis.port}`,
        SMS_QUEUE_PREFIX: redis.uniquePrefix("auth"),
      });
      expect(run).toMatchObject({ code: 0, stdout: "the dead-letter queue is empty\n" });
    });
  });
});
