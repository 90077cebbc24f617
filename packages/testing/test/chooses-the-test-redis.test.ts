import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  chooseTestRedisSource,
  detectTestRedisSource,
  dockerEndpoints,
  dockerEngineAnswers,
  freePort,
  startTestRedis,
  type TestRedisSourceInputs,
} from "../src/index.js";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const url = "redis://127.0.0.1:6390";
const engine = await dockerEngineAnswers();

describe("chooseTestRedisSource", () => {
  const cases: Array<[string, TestRedisSourceInputs, string]> = [
    [
      "engine, binary, url",
      { engineAnswers: true, binaryOnPath: true, redisUrl: url },
      "container",
    ],
    ["engine only", { engineAnswers: true, binaryOnPath: false }, "container"],
    ["binary and url", { engineAnswers: false, binaryOnPath: true, redisUrl: url }, "binary"],
    ["binary only", { engineAnswers: false, binaryOnPath: true }, "binary"],
    ["url only", { engineAnswers: false, binaryOnPath: false, redisUrl: url }, "url"],
    [
      "a blank url counts as unset",
      { engineAnswers: false, binaryOnPath: true, redisUrl: " " },
      "binary",
    ],
    [
      "override url over engine and binary",
      { override: "url", engineAnswers: true, binaryOnPath: true, redisUrl: url },
      "url",
    ],
    [
      "override binary over engine",
      { override: "binary", engineAnswers: true, binaryOnPath: true },
      "binary",
    ],
    [
      "override container",
      { override: "container", engineAnswers: true, binaryOnPath: true },
      "container",
    ],
    [
      "a blank override counts as unset",
      { override: "", engineAnswers: false, binaryOnPath: true },
      "binary",
    ],
  ];

  it.each(cases)("%s", (_, inputs, source) => {
    const choice = chooseTestRedisSource(inputs);
    expect(choice.source).toBe(source);
    expect(choice.reason).toBeTruthy();
  });

  const refusals: Array<[string, TestRedisSourceInputs, RegExp]> = [
    [
      "nothing available",
      { engineAnswers: false, binaryOnPath: false },
      /no Redis for the tests: start a Docker engine, install redis-server.*or set REDIS_URL/,
    ],
    [
      "an unknown override",
      { override: "docker", engineAnswers: true, binaryOnPath: true },
      /^SMS_RELAY_TEST_REDIS must be one of container, binary, url \(got "docker"\)$/,
    ],
    [
      "container without an engine",
      { override: "container", engineAnswers: false, binaryOnPath: true },
      /^SMS_RELAY_TEST_REDIS=container, but no Docker engine answers$/,
    ],
    [
      "binary without redis-server",
      { override: "binary", engineAnswers: true, binaryOnPath: false },
      /^SMS_RELAY_TEST_REDIS=binary, but redis-server is not on PATH$/,
    ],
    [
      "url without REDIS_URL",
      { override: "url", engineAnswers: true, binaryOnPath: true },
      /^SMS_RELAY_TEST_REDIS=url, but REDIS_URL is not set$/,
    ],
  ];

  it.each(refusals)("refuses %s in one line", (_, inputs, says) => {
    expect(() => chooseTestRedisSource(inputs)).toThrow(says);
    try {
      chooseTestRedisSource(inputs);
    } catch (error) {
      expect((error as { code?: string }).code).toBe("TEST_REDIS_UNAVAILABLE");
    }
  });
});

describe("Docker engine detection", () => {
  it("reads DOCKER_HOST alone when set, else the usual sockets", () => {
    expect(dockerEndpoints({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toEqual([
      { socketPath: "/run/user/1000/docker.sock" },
    ]);
    expect(dockerEndpoints({ DOCKER_HOST: "tcp://127.0.0.1:2375" })).toEqual([
      { host: "127.0.0.1", port: 2375 },
    ]);
    expect(dockerEndpoints({ DOCKER_HOST: "ssh://user@host" })).toEqual([]);
    expect(dockerEndpoints({ HOME: "/home/dev", XDG_RUNTIME_DIR: "/run/user/1000" })).toEqual([
      { socketPath: "/var/run/docker.sock" },
      { socketPath: "/run/user/1000/docker.sock" },
      { socketPath: "/home/dev/.docker/run/docker.sock" },
    ]);
  });

  it("says no quickly where no engine runs, as on this machine without a daemon", async () => {
    const started = performance.now();
    const answers = await dockerEngineAnswers();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3000);
    if (!answers) expect(elapsed).toBeLessThan(2000);
  });

  it("gives up on an endpoint that accepts connections but never answers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sms-relay-docker-probe-"));
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket));
    const socketPath = join(dir, "docker.sock");
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    });
    const started = performance.now();
    const answers = await dockerEngineAnswers({
      env: { DOCKER_HOST: `unix://${socketPath}` },
      timeoutMs: 300,
    });
    expect(answers).toBe(false);
    expect(sockets.length).toBe(1);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("says no at once for a DOCKER_HOST port where nothing listens", async () => {
    const port = await freePort();
    const started = performance.now();
    expect(await dockerEngineAnswers({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` } })).toBe(
      false,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("startTestRedis", () => {
  it.skipIf(engine || process.env.SMS_RELAY_TEST_REDIS)(
    "falls through to the redis-server binary when no engine answers, even with REDIS_URL set",
    async () => {
      const env = { ...process.env, REDIS_URL: "redis://127.0.0.1:1" };
      const choice = await detectTestRedisSource(env);
      expect(choice.source).toBe("binary");
      const previous = process.env.REDIS_URL;
      process.env.REDIS_URL = env.REDIS_URL;
      const redis = await startTestRedis().finally(() => {
        if (previous === undefined) delete process.env.REDIS_URL;
        else process.env.REDIS_URL = previous;
      });
      cleanups.push(redis.close);
      expect(redis.source).toBe("binary");
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    },
  );

  it("uses REDIS_URL when told to by SMS_RELAY_TEST_REDIS=url", async () => {
    const choice = await detectTestRedisSource({
      PATH: process.env.PATH,
      SMS_RELAY_TEST_REDIS: "url",
      REDIS_URL: url,
    });
    expect(choice).toEqual({ source: "url", reason: "SMS_RELAY_TEST_REDIS=url" });
  });

  it("gives a redis-server child, whatever the machine offers, to tests that restart Redis", async () => {
    const redis = await startTestRedis({ appendOnly: true });
    cleanups.push(redis.close);
    expect(redis.source).toBe("binary");
    await redis.stop({ hard: true });
    await redis.start();
  });
});
