import { spawn } from "node:child_process";
import { binaryOnPath } from "./binary-on-path.js";

/** What one run of `promtool` gave. */
export interface PromtoolRun {
  /** The exit code: 0 when every check passed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One complaint of `promtool check metrics`: the metric it names and what is wrong with it. */
export interface MetricsProblem {
  metric: string;
  problem: string;
}

/** The outcome of {@link checkMetrics}. */
export interface MetricsCheck extends PromtoolRun {
  /** The lint findings, one per line promtool printed. */
  problems: MetricsProblem[];
}

/** Thrown by {@link requirePromtool} in CI when `promtool` is not on PATH. */
export class PromtoolMissingError extends Error {
  override readonly name = "PromtoolMissingError";
  readonly code = "PROMTOOL_MISSING";
}

/**
 * Whether the tests that call `promtool` can run: `"promtool"` when it is on PATH. Outside CI a
 * missing binary gives `undefined` (the caller skips, and this prints why once); in CI
 * (`CI` set) it throws, since `.ci/run` installs it and a skip would hide a missing check.
 */
export async function requirePromtool(
  env: Record<string, string | undefined> = process.env,
): Promise<"promtool" | undefined> {
  if (await binaryOnPath("promtool", env)) return "promtool";
  const message =
    "promtool is not on PATH: install Debian's or Homebrew's prometheus package to run the Prometheus checks";
  if (env.CI) throw new PromtoolMissingError(`${message} (CI must have it: see .ci/run)`);
  process.stderr.write(`skipping the Prometheus checks: ${message}\n`);
  return undefined;
}

/** Runs `promtool` with `args`, `input` on its stdin; never rejects for a non-zero exit. */
export function runPromtool(args: readonly string[], input?: string): Promise<PromtoolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", [...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/**
 * `promtool check metrics` on a Prometheus text exposition: exit code 0 when it is valid and
 * lints clean; each finding is a line `<metric> <problem>`.
 */
export async function checkMetrics(exposition: string): Promise<MetricsCheck> {
  const run = await runPromtool(["check", "metrics"], exposition);
  const problems = `${run.stdout}\n${run.stderr}`
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const space = line.indexOf(" ");
      return space < 0
        ? { metric: line, problem: "" }
        : { metric: line.slice(0, space), problem: line.slice(space + 1) };
    });
  return { ...run, problems };
}

/**
 * The metric families of an exposition whose names pass `own`, with their `# HELP` and `# TYPE`
 * lines: what to hand `promtool` to check only the metrics of our own code.
 */
export function selectMetricFamilies(exposition: string, own: (name: string) => boolean): string {
  const kept: string[] = [];
  for (const line of exposition.split("\n")) {
    const name = line.startsWith("# ")
      ? (line.split(" ")[2] ?? "")
      : (/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? "");
    if (name !== "" && own(familyOf(name))) kept.push(line);
  }
  return `${kept.join("\n")}\n`;
}

/** The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` are its own. */
function familyOf(name: string): string {
  return name.replace(/_(bucket|sum|count)$/, "");
}
