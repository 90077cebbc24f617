import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The monorepo root, found from this file's location (…/apps/stack/dist/repo-root.js) rather
 * than the working directory, so `.data/` lands in one place wherever `pnpm start` runs.
 */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from, "../../..");
    dir = parent;
  }
}
