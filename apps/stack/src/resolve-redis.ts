import { join } from "node:path";
import { redactUrl } from "@sms-relay/runtime";
import type { Logger } from "pino";
import type { RedisChildOptions } from "./redis-child.js";

/** Where the stack's Redis came from. */
export type RedisSource = "REDIS_URL" | "local" | "child";

/** The Redis the stack uses. */
export interface ResolvedRedis {
  url: string;
  source: RedisSource;
  /** Stops the private child, if the stack started one; otherwise does nothing. */
  stop(): Promise<void>;
}

/** The outside world {@link resolveRedis} looks at, injectable for tests. */
export interface RedisResolverDeps {
  /** Does a Redis answer at this URL? */
  answers(url: string): Promise<boolean>;
  /** The `redis-server` binary on PATH, if any. */
  findBinary(): string | undefined;
  /** Is this port free on 127.0.0.1? */
  portIsFree(port: number): Promise<boolean>;
  /** Some free port. */
  freePort(): Promise<number>;
  /** Starts a `redis-server` child. */
  startChild(options: RedisChildOptions): Promise<{ url: string; stop(): Promise<void> }>;
}

/** Options of {@link resolveRedis}. */
export interface ResolveRedisOptions {
  /** `REDIS_URL`, when set. */
  redisUrl?: string;
  /** Repository root; the child's data goes to `.data/redis` under it. */
  repoRoot: string;
  logger: Logger;
  deps: RedisResolverDeps;
}

/** Said when no Redis can be had: one line that tells how to get one. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
  /** Always `"REDIS_UNAVAILABLE"`. */
  readonly code = "REDIS_UNAVAILABLE";
}

const DEFAULT_PORT = 6379;
const LOCAL_URL = `redis://127.0.0.1:${DEFAULT_PORT}`;

/**
 * Picks the stack's Redis, announcing the choice in one log line: `REDIS_URL` if set; else a
 * Redis already answering on 127.0.0.1:6379; else a private `redis-server` child (AOF on, data in
 * `.data/redis`) on 6379 if free, else on a free port; else {@link RedisUnavailableError}.
 */
export async function resolveRedis(options: ResolveRedisOptions): Promise<ResolvedRedis> {
  const { redisUrl, repoRoot, logger, deps } = options;
  const noop = async () => {};
  if (redisUrl) {
    logger.info({ redis: redactUrl(redisUrl), source: "REDIS_URL" }, "redis: using REDIS_URL");
    return { url: redisUrl, source: "REDIS_URL", stop: noop };
  }
  if (await deps.answers(LOCAL_URL)) {
    logger.info(
      { redis: LOCAL_URL, source: "local" },
      "redis: using the Redis already running on 127.0.0.1:6379",
    );
    return { url: LOCAL_URL, source: "local", stop: noop };
  }
  const binary = deps.findBinary();
  if (!binary) {
    throw new RedisUnavailableError(
      "no Redis found: set REDIS_URL, start one with `docker compose up -d redis`, or install the redis-server package (apt-get install redis-server / brew install redis) and run pnpm start again",
    );
  }
  const port = (await deps.portIsFree(DEFAULT_PORT)) ? DEFAULT_PORT : await deps.freePort();
  const dir = join(repoRoot, ".data", "redis");
  const child = await deps.startChild({ binary, port, dir });
  logger.info(
    { redis: child.url, source: "child", dataDir: ".data/redis", appendOnly: true },
    `redis: started a private redis-server on port ${port} (data in .data/redis)`,
  );
  return { url: child.url, source: "child", stop: () => child.stop() };
}
