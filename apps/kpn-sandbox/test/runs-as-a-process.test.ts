import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input: stream });
  const [line] = (await once(lines, "line")) as [string];
  lines.close();
  return line;
}

describe.skipIf(!existsSync(MAIN))("the sandbox process (built dist/main.js)", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    child = undefined;
  });

  it("logs its URL in one JSON line, serves, and exits 0 on SIGTERM", async () => {
    child = start({ SANDBOX_PORT: "0", SANDBOX_FAULTS: '{"rate503":1}' });
    const line = JSON.parse(await firstLine(child.stdout!)) as { url: string; level: number };
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${line.url}/_sandbox/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    const faults = (await (await fetch(`${line.url}/_sandbox/faults`)).json()) as {
      rate503: number;
    };
    expect(faults.rate503).toBe(1);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it("exits 1 with one line naming a bad variable", async () => {
    child = start({ SANDBOX_PORT: "eighty" });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, "close");
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("SANDBOX_PORT");
  });
});
