import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, handleShutdownSignals, signalExitCode } from "../src/index.js";

function harness(close: () => Promise<void>, graceMs = 50) {
  const source = new EventEmitter();
  const exits: { code: number; at: number }[] = [];
  const lines: { msg: string }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const started = Date.now();
  const dispose = handleShutdownSignals({
    logger: createLogger({ service: "test", destination }),
    close,
    graceMs,
    marginMs: 50,
    source: source as unknown as NodeJS.Process,
    exit: (code) => exits.push({ code, at: Date.now() - started }),
  });
  return { source, exits, lines, dispose };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("handleShutdownSignals", () => {
  it("exits 0 once close has finished", async () => {
    const { source, exits } = harness(async () => {});
    source.emit("SIGTERM", "SIGTERM");
    await until(() => exits.length > 0);
    expect(exits.map((e) => e.code)).toEqual([0]);
  });

  it("exits 1 after the grace time plus the margin when close never finishes", async () => {
    const { source, exits, lines } = harness(() => new Promise(() => {}));
    source.emit("SIGTERM", "SIGTERM");
    await until(() => exits.length > 0);
    expect(exits[0]?.code).toBe(1);
    expect(exits[0]?.at).toBeGreaterThanOrEqual(95);
    expect(exits[0]?.at).toBeLessThan(1000);
    expect(lines.map((l) => l.msg)).toContain(
      "shutdown did not finish within the grace time: exiting anyway",
    );
  });

  it("exits at once on a second signal", async () => {
    const { source, exits } = harness(() => new Promise(() => {}), 10_000);
    source.emit("SIGTERM", "SIGTERM");
    source.emit("SIGINT", "SIGINT");
    expect(exits.map((e) => e.code)).toEqual([signalExitCode("SIGINT")]);
    expect(signalExitCode("SIGINT")).toBe(130);
  });

  it("exits 1 when close fails", async () => {
    const { source, exits } = harness(async () => {
      throw new Error("boom");
    });
    source.emit("SIGINT", "SIGINT");
    await until(() => exits.length > 0);
    expect(exits.map((e) => e.code)).toEqual([1]);
  });

  it("removes its handlers when disposed", () => {
    const { source, dispose } = harness(async () => {});
    expect(source.listenerCount("SIGTERM")).toBe(1);
    dispose();
    expect(source.listenerCount("SIGTERM")).toBe(0);
  });
});
