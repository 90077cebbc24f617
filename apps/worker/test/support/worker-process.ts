import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { waitFor } from "@sms-relay/testing";
import { readMetric } from "./prometheus.js";

/** The built worker, as an operator runs it (`node dist/main.js`). */
export const WORKER_MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** How a worker process ended. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `Date.now()` when the exit was seen. */
  at: number;
}

/** One JSON log line of the worker, as pino writes it. */
export type WorkerLogLine = Record<string, unknown> & { level?: number; msg?: string };

/** A worker child process with its logs and its health port. */
export interface WorkerProcess {
  /** Label used in failure messages. */
  readonly name: string;
  readonly pid: number;
  /** The port of `/healthz`, `/readyz` and `/metrics`. */
  readonly healthPort: number;
  /** Parsed JSON lines from stdout, in order. */
  readonly logs: WorkerLogLine[];
  /** Everything on stderr, and stdout lines that were not JSON. */
  readonly otherOutput: string[];
  /** Settles when the process has exited. */
  readonly exited: Promise<WorkerExit>;
  /** The exit, once it happened. */
  exit(): WorkerExit | undefined;
  /** The status `/readyz` answers now. */
  readyStatus(): Promise<number>;
  /** Resolves once `/readyz` answers 200; rejects if the process exits first. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sum of every series of a counter or gauge on `/metrics`. */
  metric(name: string): Promise<number>;
  /** Sends a signal; returns `Date.now()` at the moment it was sent. */
  signal(signal: NodeJS.Signals): number;
  /** The last log lines and output, for failure messages. */
  describe(lines?: number): string;
}

const running = new Set<ChildProcess>();

process.once("exit", () => {
  // The test runner's fork may end on a failure before afterAll: never leave workers behind.
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts the built worker with exactly `env` (plus `PATH`), so that nothing from the shell that
 * runs the tests changes its configuration.
 */
export function spawnWorker(
  name: string,
  env: Record<string, string>,
  healthPort: number,
): WorkerProcess {
  if (!existsSync(WORKER_MAIN)) {
    throw new Error(`${WORKER_MAIN} does not exist: build the worker first`);
  }
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: { PATH: process.env.PATH ?? "", ...env, HEALTH_PORT: String(healthPort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start worker ${name}`);
  running.add(child);
  const logs: WorkerLogLine[] = [];
  const otherOutput: string[] = [];
  let exitInfo: WorkerExit | undefined;

  let pending = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        logs.push(JSON.parse(line) as WorkerLogLine);
      } catch {
        otherOutput.push(line);
      }
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => otherOutput.push(chunk));

  const exited = new Promise<WorkerExit>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      exitInfo = { code, signal, at: Date.now() };
      resolve(exitInfo);
    });
  });

  const describe = (lines = 15): string => {
    const tail = logs.slice(-lines).map((line) => JSON.stringify(line));
    const other = otherOutput.join("").split("\n").slice(-lines).join("\n");
    const state = exitInfo ? `exited ${JSON.stringify(exitInfo)}` : "running";
    return `worker ${name} (pid ${child.pid}, ${state})\n  logs:\n    ${tail.join("\n    ")}\n  other output:\n    ${other}`;
  };

  const fetchHealth = async (path: string): Promise<Response> =>
    await fetch(`http://127.0.0.1:${healthPort}${path}`, { signal: AbortSignal.timeout(5_000) });

  return {
    name,
    pid: child.pid,
    healthPort,
    logs,
    otherOutput,
    exited,
    exit: () => exitInfo,
    async readyStatus() {
      const response = await fetchHealth("/readyz");
      await response.body?.cancel();
      return response.status;
    },
    async ready(timeoutMs = 30_000) {
      let exitedEarly = false;
      try {
        await waitFor(
          async () => {
            if (exitInfo) {
              exitedEarly = true;
              return true;
            }
            const response = await fetchHealth("/readyz");
            await response.body?.cancel();
            return response.status === 200;
          },
          { timeoutMs, intervalMs: 100, description: `/readyz of worker ${name}` },
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${describe()}`, { cause: error });
      }
      if (exitedEarly) throw new Error(`worker exited before it was ready:\n${describe()}`);
    },
    async metric(metricName) {
      const response = await fetchHealth("/metrics");
      if (response.status !== 200)
        throw new Error(`/metrics of ${name} answered ${response.status}`);
      return readMetric(await response.text(), metricName);
    },
    signal(signal) {
      const at = Date.now();
      child.kill(signal);
      return at;
    },
    describe,
  };
}

/** SIGKILLs every worker still running and waits until they are gone. */
export async function killAllWorkers(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
