import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliIo, runCli } from "../src/index.js";

/** The result of one in-process run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output and the given environment. */
export async function cli(
  argv: string[],
  env: Record<string, string>,
  options: { tty?: boolean; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false, columns: 80 },
    env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A scratch directory for CSV files, removed by `cleanup`. */
export async function scratchDir(): Promise<{
  dir: string;
  write(name: string, content: string): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "sms-relay-cli-"));
  return {
    dir,
    async write(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs a command as a child process with the given environment on top of this one (less
 * REDIS_URL, so each test names its own Redis) and collects its exit code and output.
 */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { REDIS_URL: _unused, ...inherited } = process.env;
    const child = spawn(command, args, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
