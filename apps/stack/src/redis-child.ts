import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { redisAnswers } from "@sms-relay/runtime";

/** Options of {@link startRedisChild}. */
export interface RedisChildOptions {
  /** Path of the `redis-server` binary. */
  binary: string;
  /** Port on 127.0.0.1. */
  port: number;
  /** Data directory (created if missing); the AOF lives here. */
  dir: string;
  /** How long to wait for the first PONG. @default 10000 */
  startTimeoutMs?: number;
}

/** A `redis-server` child process. */
export interface RedisChild {
  readonly url: string;
  readonly port: number;
  /** SIGTERM (Redis then flushes its AOF) and wait for it to exit. */
  stop(): Promise<void>;
}

/** Starts a private `redis-server` with the append-only file on, bound to 127.0.0.1. */
export async function startRedisChild(options: RedisChildOptions): Promise<RedisChild> {
  const { binary, port, dir, startTimeoutMs = 10_000 } = options;
  await mkdir(dir, { recursive: true });
  const url = `redis://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
      // BullMQ needs every key kept: evicting a job hash would corrupt the queue.
      "--maxmemory-policy",
      "noeviction",
    ],
    // Its own process group: Ctrl-C in the terminal reaches the stack, which then stops Redis
    // last, after the worker has finished with it.
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error) =>
      reject(new Error(`could not start ${binary}: ${error.message}`, { cause: error })),
    );
    child.once("exit", (code) =>
      reject(new Error(`${binary} exited with code ${code}: ${stderr.trim() || "no output"}`)),
    );
  });
  failed.catch(() => {});

  const deadline = Date.now() + startTimeoutMs;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (await redisAnswers(url, 250)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${binary} did not answer on port ${port} within ${startTimeoutMs} ms`);
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
