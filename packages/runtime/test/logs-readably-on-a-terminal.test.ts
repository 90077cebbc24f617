import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger, findOnPath, logFormatFor } from "../src/index.js";

const ANSI = /\x1b\[[0-9;]*m/g;

function capture() {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { destination, text: () => text.replace(ANSI, "") };
}

/** Runs `node -e script` with stdout a pipe, or a terminal (through `script`), and collects it. */
function runNode(
  code: string,
  terminal: boolean,
): Promise<{ status: number | null; output: string }> {
  // `script` gives the child a terminal; the code goes through the environment, unquoted.
  const env = { ...process.env, NODE: process.execPath, CODE: code };
  const command = terminal
    ? spawn("script", ["-qec", '"$NODE" -e "$CODE"', "/dev/null"], { env })
    : spawn(process.execPath, ["-e", code], { env });
  let output = "";
  command.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => {
    command.once("close", (status) => resolve({ status, output: output.replace(ANSI, "") }));
  });
}

const runtime = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const LOG_AND_EXIT = `
  import(${JSON.stringify(runtime)}).then(({ createLogger, logFormatFor }) => {
    const logger = createLogger({ service: "sms-relay", format: logFormatFor(process.stdout) });
    logger.child({ component: "worker" }).info({ password: "hunter2", jobs: 3 }, "started");
    logger.fatal("stopping at once");
    process.exit(1);
  });
`;

describe("log format", () => {
  it("is pretty on a terminal and JSON on anything else", () => {
    expect(logFormatFor({ isTTY: true })).toBe("pretty");
    expect(logFormatFor({ isTTY: false })).toBe("json");
    expect(logFormatFor({})).toBe("json");
  });

  it("writes JSON lines by default", () => {
    const out = capture();
    createLogger({ service: "test", destination: out.destination }).info({ jobs: 3 }, "started");
    expect(JSON.parse(out.text())).toMatchObject({ service: "test", jobs: 3, msg: "started" });
  });

  it("writes one readable line a message when pretty, redacted alike", () => {
    const out = capture();
    const logger = createLogger({
      service: "test",
      format: "pretty",
      destination: out.destination,
    });
    logger.child({ component: "worker" }).warn({ password: "hunter2", jobs: 3 }, "started");
    expect(out.text()).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[worker\] started \{"password":"\[redacted\]","jobs":3\}\n$/,
    );
    expect(out.text()).not.toContain("hunter2");
  });

  it("respects the level when pretty", () => {
    const out = capture();
    const logger = createLogger({
      service: "test",
      level: "warn",
      format: "pretty",
      destination: out.destination,
    });
    logger.info("hidden");
    expect(out.text()).toBe("");
  });
});

describe.skipIf(!findOnPath("script", process.env.PATH ?? ""))("a real terminal", () => {
  it("gets readable lines, even the last one before process.exit", async () => {
    const { status, output } = await runNode(LOG_AND_EXIT, true);
    expect(status).toBe(1);
    expect(output).toMatch(/INFO: \[worker\] started \{"password":"\[redacted\]","jobs":3\}/);
    expect(output).toMatch(/FATAL: stopping at once/);
    expect(output).not.toContain('"level"');
  });

  it("while a pipe gets JSON", async () => {
    const { output } = await runNode(LOG_AND_EXIT, false);
    const lines = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: number })
      // Their order is not the point here: the format is.
      .sort((a, b) => a.level - b.level);
    expect(lines, output).toMatchObject([
      { level: 30, component: "worker", password: "[redacted]", msg: "started" },
      { level: 60, msg: "stopping at once" },
    ]);
  });
});
