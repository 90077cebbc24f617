import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait-for.js";

export interface TestRedisOptions {
  /** Turn on the append-only file so that data survives `restart()`. @default false */
  appendOnly?: boolean;
  /** Path of the `redis-server` binary. @default "redis-server" on PATH */
  binary?: string;
}

export interface TestRedis {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** A fresh key prefix for BullMQ, unique to this call, so tests sharing a server stay apart. */
  uniquePrefix(label?: string): string;
  /** Stops the server (SIGTERM, or SIGKILL with `hard`), keeping its data directory. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server and removes its data directory. */
  close(): Promise<void>;
}

let prefixCounter = 0;

function uniquePrefix(label = "t"): string {
  prefixCounter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${prefixCounter}`;
}

/**
 * A Redis for one test file: `REDIS_URL` when set (then `stop`/`start` are not available and
 * isolation comes from `uniquePrefix`), otherwise a private `redis-server` child on a free port.
 */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const external = process.env.REDIS_URL;
  if (external && !options.appendOnly) {
    const port = Number(new URL(external).port || 6379);
    const unsupported = async () => {
      throw new Error("stop/start need a private redis-server; unset REDIS_URL to run this test");
    };
    return {
      url: external,
      port,
      uniquePrefix,
      stop: unsupported,
      start: unsupported,
      close: async () => {},
    };
  }
  return await startRedisServer(options);
}

/** Always a private `redis-server` child on a free port. */
export async function startRedisServer(options: TestRedisOptions = {}): Promise<TestRedis> {
  const binary = options.binary ?? "redis-server";
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "sms-relay-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
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
  ];

  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const proc = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const failed = new Promise<never>((_, reject) => {
      proc.once("error", (error) =>
        reject(new Error(`could not start ${binary}: ${error.message}`, { cause: error })),
      );
      proc.once("exit", (code) =>
        reject(new Error(`${binary} exited with code ${code} before answering: ${stderr.trim()}`)),
      );
    });
    failed.catch(() => {});
    await Promise.race([
      failed,
      waitFor(
        async () => {
          const probe = new Redis(url, {
            lazyConnect: true,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
          });
          probe.on("error", () => {});
          try {
            await probe.connect();
            return (await probe.ping()) === "PONG";
          } finally {
            probe.disconnect();
          }
        },
        { timeoutMs: 10_000, description: `redis-server on port ${port}` },
      ),
    ]);
  }

  async function stop({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  }

  await start();
  return {
    url,
    port,
    uniquePrefix,
    stop,
    start,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
