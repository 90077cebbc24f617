import { type AddressInfo, createServer, type Socket } from "node:net";
import { startTestRedis, type TestRedis } from "@sms-relay/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath, freePort, pingRedis, portIsFree, redisAnswers } from "../src/index.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe("Redis probe", () => {
  it("answers true for a running Redis and false, quickly, for a closed port", async () => {
    expect(await redisAnswers(redis.url)).toBe(true);
    const port = await freePort();
    const started = Date.now();
    expect(await redisAnswers(`redis://127.0.0.1:${port}`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("says what went wrong without the URL's password", async () => {
    const port = await freePort();
    const reason = await pingRedis(`redis://:topsecret@127.0.0.1:${port}`, 500);
    expect(reason).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(reason).not.toContain("topsecret");
  });

  it("names the cause rather than ioredis's closing words", async () => {
    const reason = await pingRedis("redis://nosuchhost.invalid:6379", 2000);
    expect(reason).toMatch(/^getaddrinfo (ENOTFOUND|EAI_AGAIN) nosuchhost\.invalid$/);
  });

  it("gives up on a server that never answers within the time given", async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const started = Date.now();
      expect(await pingRedis(`redis://127.0.0.1:${port}`, 300)).toBe("no answer within 300 ms");
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("finds binaries on PATH and tells free ports from taken ones", async () => {
    expect(findOnPath("node", process.env.PATH ?? "")).toMatch(/node$/);
    expect(findOnPath("surely-not-a-binary-here", process.env.PATH ?? "")).toBeUndefined();
    expect(await portIsFree(redis.port)).toBe(false);
    expect(await portIsFree(await freePort())).toBe(true);
  });
});
