import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const STACK_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** One JSON log line of the stack. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** The built stack as a child process, its log lines parsed as they come. */
export interface StackProcess {
  child: ChildProcess;
  lines(): LogLine[];
  stderr(): string;
  exited: Promise<number | null>;
}

export function spawnStack(env: Record<string, string>): StackProcess {
  // The parent's REDIS_URL and KPN credentials must not leak into what the test sets up.
  const {
    REDIS_URL: _redis,
    KPN_CLIENT_ID: _id,
    KPN_CLIENT_SECRET: _secret,
    ...inherited
  } = process.env;
  const child = spawn(process.execPath, [STACK_MAIN], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let buffer = "";
  let stderr = "";
  const lines: LogLine[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ level: 0, msg: line });
      }
      newline = buffer.indexOf("\n");
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, lines: () => lines, stderr: () => stderr, exited };
}
