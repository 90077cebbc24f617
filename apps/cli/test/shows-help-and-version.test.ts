import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/index.js";
import { cli } from "./helpers.js";

// No Redis answers here: help and the version must not need one.
const env = { REDIS_URL: "redis://127.0.0.1:1" };

describe("sms-relay help and version", () => {
  it("prints `sms-relay` and the version of the CLI's package.json with --version", async () => {
    const manifest = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    for (const flag of ["--version", "-v"]) {
      const run = await cli([flag], env);
      expect(run).toEqual({ code: 0, stdout: `sms-relay ${manifest.version}\n`, stderr: "" });
    }
  });

  it("lists the dlq commands with `dlq --help` and exits 0", async () => {
    for (const argv of [
      ["dlq", "--help"],
      ["dlq", "-h"],
      ["help", "dlq"],
    ]) {
      const run = await cli(argv, env);
      expect(run.code, argv.join(" ")).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain("Usage: sms-relay dlq <list|redrive|purge> [options]");
      expect(run.stdout).toMatch(/dlq list\s+list SMS in the dead-letter queue/);
      expect(run.stdout).toMatch(/dlq redrive\s+send dead letters again/);
      expect(run.stdout).toMatch(/dlq purge\s+delete dead letters/);
    }
  });

  it("prints the dlq overview on stderr and exits 2 for `dlq` alone", async () => {
    const run = await cli(["dlq"], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Usage: sms-relay dlq <list|redrive|purge>");
  });

  it("points an unknown dlq command at `dlq --help`", async () => {
    const run = await cli(["dlq", "retry", "sms-a"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sms-relay: unknown command "dlq retry": expected dlq list|redrive|purge (see: sms-relay dlq --help)\n',
    );
  });

  it("shows a command's help with `help COMMAND`, as with `COMMAND --help`", async () => {
    const viaHelp = await cli(["help", "dlq", "redrive"], env);
    const viaFlag = await cli(["dlq", "redrive", "--help"], env);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toContain("Usage: sms-relay dlq redrive (ID… | --all) [--json]");
  });

  it("tells in the overview how to get help, the version, JSON, and what the exit codes mean", async () => {
    const run = await cli(["--help"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("sms-relay help COMMAND");
    expect(run.stdout).toMatch(/^ {2}-h, --help\s+show this help$/m);
    expect(run.stdout).toMatch(/^ {2}-v, --version\s+print the version$/m);
    expect(run.stdout).toContain("--json");
    expect(run.stdout).toMatch(
      /^Exit codes:\n {2}0 {2}success\n {2}1 {2}the command failed.*\n {2}2 {2}the command line is wrong/m,
    );
  });

  it("offers --json on every command, as the overview says", () => {
    for (const command of COMMANDS) expect(command.help, command.name).toContain("--json");
  });
});
