#!/usr/bin/env node
// Runs the compiled CLI. Inside the sms-relay repository it first rebuilds the CLI (and what it
// imports) when dist/ is missing or older than a source file, so `pnpm sms-relay` works right
// after `pnpm install` and after a pull; turbo's output goes to stderr, keeping stdout for data.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = dirname(dirname(packageDir));
const entry = join(packageDir, "dist", "main.js");

function newestSourceTime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs,
    );
  }
  return newest;
}

function isStale() {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  const sources = ["apps/cli/src", "packages/producer/src", "packages/sms/src"]
    .map((dir) => join(repoRoot, dir))
    .filter((dir) => existsSync(dir));
  return sources.some((dir) => newestSourceTime(dir) > built);
}

if (existsSync(join(repoRoot, "turbo.json")) && isStale()) {
  const build = spawnSync(
    "pnpm",
    ["exec", "turbo", "run", "build", "--filter=@sms-relay/cli...", "--output-logs=errors-only"],
    { cwd: repoRoot, stdio: ["ignore", process.stderr, process.stderr] },
  );
  if (build.status !== 0) {
    process.stderr.write("sms-relay: could not build the CLI; run `pnpm build` to see why\n");
    process.exit(1);
  }
}

await import(new URL(`file://${entry}`).href);
