import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binaryOnPath } from "./binary-on-path.js";
import { dockerEngineAnswers } from "./docker-engine.js";
import { freePort } from "./free-port.js";
import { startRedisContainer } from "./redis-container.js";
import { redisProcess } from "./redis-process.js";
import {
  chooseTestRedisSource,
  type TestRedisChoice,
  type TestRedisSource,
} from "./test-redis-source.js";
import { uniquePrefix } from "./unique-prefix.js";

export interface TestRedisOptions {
  /**
   * Turn on the append-only file so that data survives `restart()`. Always a `redis-server`
   * child, whatever the machine offers, since only a process of our own can be killed and started.
   * @default false
   */
  appendOnly?: boolean;
  /** Path of the `redis-server` binary. @default "redis-server" on PATH */
  binary?: string;
}

export interface TestRedis {
  /** `redis://HOST:PORT` */
  readonly url: string;
  readonly port: number;
  /** Where this Redis comes from; only `binary` supports `stop` and `start`. */
  readonly source: TestRedisSource;
  /** A fresh key prefix for BullMQ, unique to this call, so tests sharing a server stay apart. */
  uniquePrefix(label?: string): string;
  /** Stops the server (SIGTERM, or SIGKILL with `hard`), keeping its data directory. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server (or container) and removes its data. */
  close(): Promise<void>;
}

/**
 * Which Redis {@link startTestRedis} would use with this environment (see
 * {@link chooseTestRedisSource}). The Docker engine is only asked when the choice depends on it.
 */
export async function detectTestRedisSource(
  env: Record<string, string | undefined> = process.env,
): Promise<TestRedisChoice> {
  const override = env.SMS_RELAY_TEST_REDIS?.trim() || undefined;
  const askEngine = override === undefined || override === "container";
  const [engineAnswers, binary] = await Promise.all([
    askEngine ? dockerEngineAnswers({ env }) : false,
    binaryOnPath("redis-server", env),
  ]);
  return chooseTestRedisSource({
    override,
    engineAnswers,
    binaryOnPath: binary,
    redisUrl: env.REDIS_URL,
  });
}

/** Decided once per process: every test file runs in a process of its own. */
let choice: Promise<TestRedisChoice> | undefined;

function withoutControl(source: TestRedisSource) {
  return async () => {
    throw new Error(
      `stop/start need a redis-server child: this Redis is a ${source}; use startRedisServer() or startTestRedis({ appendOnly: true })`,
    );
  };
}

/**
 * A Redis for one test file: a container where a Docker engine answers, else a private
 * `redis-server` child on a free port, else `REDIS_URL` (`SMS_RELAY_TEST_REDIS` forces one).
 * With `appendOnly`, or a `binary` given, always a `redis-server` child. Isolation between tests
 * on one Redis comes from `uniquePrefix`.
 */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  if (options.appendOnly || options.binary) return await startRedisServer(options);
  choice ??= detectTestRedisSource();
  const { source } = await choice;
  if (source === "binary") return await startRedisServer(options);
  if (source === "container") {
    const container = await startRedisContainer();
    return {
      url: container.url,
      port: container.port,
      source,
      uniquePrefix,
      stop: withoutControl(source),
      start: withoutControl(source),
      close: container.close,
    };
  }
  const url = process.env.REDIS_URL!.trim();
  return {
    url,
    port: Number(new URL(url).port || 6379),
    source,
    uniquePrefix,
    stop: withoutControl(source),
    start: withoutControl(source),
    close: async () => {},
  };
}

/** Always a private `redis-server` child on a free port, which `stop` and `start` control. */
export async function startRedisServer(options: TestRedisOptions = {}): Promise<TestRedis> {
  const binary = options.binary ?? "redis-server";
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "sms-relay-redis-"));
  const server = redisProcess(binary, port, [
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    options.appendOnly ? "yes" : "no",
    "--appendfsync",
    "always",
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
    "--maxmemory-policy",
    "noeviction",
  ]);
  try {
    await server.start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    source: "binary",
    uniquePrefix,
    stop: server.stop,
    start: server.start,
    close: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
