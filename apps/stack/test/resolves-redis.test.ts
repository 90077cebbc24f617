import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redisAnswers } from "@sms-relay/runtime";
import { freePort } from "@sms-relay/testing";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { type RedisResolverDeps, resolveRedis, startRedisChild } from "../src/index.js";

interface Announcement {
  msg: string;
  source?: string;
}

function recordingLogger() {
  const lines: Announcement[] = [];
  const logger = pino(
    { level: "info" },
    { write: (line: string) => lines.push(JSON.parse(line) as Announcement) },
  );
  return { logger, lines };
}

function deps(overrides: Partial<RedisResolverDeps>): RedisResolverDeps & { started: number[] } {
  const started: number[] = [];
  return {
    started,
    answers: async () => false,
    findBinary: () => "/usr/bin/redis-server",
    portIsFree: async () => true,
    freePort: async () => 45_678,
    startChild: async ({ port }) => {
      started.push(port);
      return { url: `redis://127.0.0.1:${port}`, stop: async () => {} };
    },
    ...overrides,
  };
}

describe("resolveRedis", () => {
  it("uses REDIS_URL as is and announces it without the password", async () => {
    const { logger, lines } = recordingLogger();
    const probes = deps({ answers: async () => true });
    const redis = await resolveRedis({
      redisUrl: "redis://:s3cret@redis.internal:6380/1",
      repoRoot: "/repo",
      logger,
      deps: probes,
    });
    expect(redis).toMatchObject({
      url: "redis://:s3cret@redis.internal:6380/1",
      source: "REDIS_URL",
    });
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain("s3cret");
    expect(probes.started).toEqual([]);
  });

  it("uses a Redis already answering on 127.0.0.1:6379", async () => {
    const { logger, lines } = recordingLogger();
    const asked: string[] = [];
    const probes = deps({
      answers: async (url) => {
        asked.push(url);
        return true;
      },
    });
    const redis = await resolveRedis({ repoRoot: "/repo", logger, deps: probes });
    expect(asked).toEqual(["redis://127.0.0.1:6379"]);
    expect(redis).toMatchObject({ url: "redis://127.0.0.1:6379", source: "local" });
    expect(lines).toEqual([expect.objectContaining({ source: "local" })]);
    expect(probes.started).toEqual([]);
  });

  it("starts a child on 6379 when nothing answers there and the port is free", async () => {
    const { logger, lines } = recordingLogger();
    let dir = "";
    const probes = deps({
      startChild: async (options) => {
        dir = options.dir;
        return { url: `redis://127.0.0.1:${options.port}`, stop: async () => {} };
      },
    });
    const redis = await resolveRedis({ repoRoot: "/repo", logger, deps: probes });
    expect(redis).toMatchObject({ url: "redis://127.0.0.1:6379", source: "child" });
    expect(dir).toBe(join("/repo", ".data", "redis"));
    expect(lines).toEqual([expect.objectContaining({ source: "child" })]);
  });

  it("starts the child on a free port when 6379 is taken by something that is not Redis", async () => {
    const { logger } = recordingLogger();
    const probes = deps({ portIsFree: async () => false });
    const redis = await resolveRedis({ repoRoot: "/repo", logger, deps: probes });
    expect(probes.started).toEqual([45_678]);
    expect(redis.url).toBe("redis://127.0.0.1:45678");
  });

  it("says how to get Redis when there is none and no redis-server binary", async () => {
    const { logger } = recordingLogger();
    const attempt = resolveRedis({
      repoRoot: "/repo",
      logger,
      deps: deps({ findBinary: () => undefined }),
    });
    await expect(attempt).rejects.toMatchObject({
      code: "REDIS_UNAVAILABLE",
      message: expect.stringMatching(/docker compose up -d redis.*apt-get install redis-server/),
    });
  });
});

describe("startRedisChild", () => {
  it("runs a real redis-server with the append-only file in the given folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stack-redis-"));
    const dataDir = join(dir, ".data", "redis");
    const port = await freePort();
    const child = await startRedisChild({ binary: "redis-server", port, dir: dataDir });
    try {
      expect(child.url).toBe(`redis://127.0.0.1:${port}`);
      expect(await redisAnswers(child.url)).toBe(true);
      const files = await readdir(dataDir);
      expect(files.some((name) => name.startsWith("appendonly"))).toBe(true);
    } finally {
      await child.stop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(await redisAnswers(child.url, 200)).toBe(false);
  });

  it("fails with the server's own words when it cannot start", async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), "stack-redis-"));
    try {
      await expect(
        startRedisChild({ binary: "/nonexistent/redis-server", port, dir }),
      ).rejects.toThrow(/could not start \/nonexistent\/redis-server/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
