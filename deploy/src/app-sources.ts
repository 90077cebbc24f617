import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";

/**
 * The environment variables an app reads: the upper-case keys of the zod object in its
 * `src/env.ts`, the one place each app reads `process.env`. Read from the source rather than
 * the built schema because not every app exports its schema; a test holds the two together for
 * the apps that do.
 *
 * @param app `apps/worker`, `apps/receipts`, …
 */
export async function appEnvNames(app: string): Promise<Set<string>> {
  const source = await readFile(join(REPO_ROOT, app, "src", "env.ts"), "utf8");
  const names = new Set<string>();
  for (const [, name] of source.matchAll(/^\s+([A-Z][A-Z0-9_]*)\s*:/gm)) names.add(name!);
  return names;
}

function numberIn(source: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(source)?.[1];
  return match === undefined ? undefined : Number(match.replaceAll("_", ""));
}

/**
 * The time an app gives open work on SIGTERM when that time is fixed in its `src/main.ts`
 * (receipts, dashboard and kpn-sandbox: `graceMs: 5000` or a `SHUTDOWN_GRACE_MS` constant),
 * or `undefined` when it comes from the environment (the worker's `SHUTDOWN_GRACE_MS`).
 */
export async function appFixedGraceMs(app: string): Promise<number | undefined> {
  const source = await readFile(join(REPO_ROOT, app, "src", "main.ts"), "utf8");
  return (
    numberIn(source, /const SHUTDOWN_GRACE_MS = ([\d_]+)/) ?? numberIn(source, /graceMs: ([\d_]+)/)
  );
}

/**
 * What the shared shutdown handler adds to an app's grace time for closing connections before
 * it exits anyway (`marginMs` of `handleShutdownSignals` in packages/runtime).
 */
export async function shutdownMarginMs(): Promise<number> {
  const file = join(REPO_ROOT, "packages", "runtime", "src", "shutdown-signals.ts");
  const margin = numberIn(await readFile(file, "utf8"), /marginMs = ([\d_]+)/);
  if (margin === undefined) throw new Error(`no default marginMs in ${file}`);
  return margin;
}
