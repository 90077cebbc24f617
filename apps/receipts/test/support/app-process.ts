import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { waitFor } from "@sms-relay/testing";

/** The built receipts app, as an operator runs it (`node dist/main.js`). */
export const RECEIPTS_MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/**
 * The built worker. Receipts cannot depend on the worker package (the worker's tests depend on
 * receipts), so turbo builds it before these tests through `@sms-relay/receipts#test`.
 */
export const WORKER_MAIN = fileURLToPath(new URL("../../../worker/dist/main.js", import.meta.url));

/** How a child process ended. */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A built app running as a child process, with its output. */
export interface AppProcess {
  readonly name: string;
  readonly pid: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<AppExit>;
  /** Sends a signal and waits until the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<AppExit>;
  /** The last lines of its output, for failure messages. */
  describe(lines?: number): string;
}

const running = new Set<ChildProcess>();

process.once("exit", () => {
  // The test runner's fork may end on a failure before afterAll: never leave apps behind.
  for (const child of running) child.kill("SIGKILL");
});

/** Starts `node <main>` with exactly `env` (plus `PATH`), so that the shell's variables do not leak in. */
export function spawnApp(name: string, main: string, env: Record<string, string>): AppProcess {
  if (!existsSync(main)) throw new Error(`${main} does not exist: build it first`);
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  running.add(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    // The tail is enough to explain a failure; a report storm must not fill the memory.
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exit: AppExit | undefined;
  const exited = new Promise<AppExit>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      exit = { code, signal };
      resolve(exit);
    });
  });
  return {
    name,
    pid: child.pid,
    exited,
    async stop(signal = "SIGTERM") {
      if (exit === undefined) child.kill(signal);
      return await exited;
    },
    describe(lines = 15) {
      const state = exit ? `exited ${JSON.stringify(exit)}` : "running";
      const tail = output.trimEnd().split("\n").slice(-lines).join("\n    ");
      return `${name} (pid ${child.pid}, ${state}):\n    ${tail}`;
    },
  };
}

/** Resolves once `url` answers 200; rejects with the app's output if it exits first. */
export async function waitUntilAnswers(
  app: AppProcess,
  url: string,
  timeoutMs = 15_000,
): Promise<void> {
  let exited = false;
  void app.exited.then(() => {
    exited = true;
  });
  try {
    await waitFor(
      async () => {
        if (exited) return true;
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await response.body?.cancel();
        return response.status === 200;
      },
      { timeoutMs, intervalMs: 20, description: `${url} to answer 200` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${app.describe()}`, { cause: error });
  }
  if (exited) throw new Error(`${app.name} exited before it answered:\n${app.describe()}`);
}
