import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { waitFor } from "./wait-for.js";

/** A `redis-server` child this process started and can stop and start again. */
export interface RedisProcess {
  /** Starts the child (a no-op while it runs) and resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGTERM (or SIGKILL with `hard`) and wait for the exit; a no-op when it is not running. */
  stop(options?: { hard?: boolean }): Promise<void>;
}

/** Answers whether a Redis on this URL replies to PING right now, without retrying. */
export async function redisAnswers(url: string): Promise<boolean> {
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
}

/**
 * A `redis-server` child on `127.0.0.1:port` with the given arguments (the port and bind
 * address are added here). Its stderr is kept so that a failed start says why.
 */
export function redisProcess(binary: string, port: number, args: readonly string[]): RedisProcess {
  const url = `redis://127.0.0.1:${port}`;
  const fullArgs = ["--port", String(port), "--bind", "127.0.0.1", ...args];
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const proc = spawn(binary, fullArgs, { stdio: ["ignore", "ignore", "pipe"] });
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
      waitFor(() => redisAnswers(url), {
        timeoutMs: 10_000,
        description: `redis-server on port ${port}`,
      }),
    ]);
  }

  async function stop({ hard = false }: { hard?: boolean } = {}): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  }

  return { start, stop };
}
