import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

const resultsDir = fileURLToPath(new URL("./.vitest-results/", import.meta.url));

/**
 * Settings every package's vitest.config.ts starts from: real Redis and HTTP make tests slower than
 * pure unit tests, and each package also writes a JSON report that `pnpm test` sums up at the end.
 */
export function sharedTestConfig(packageDir: string): ViteUserConfig["test"] {
  return {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: `${resultsDir}${basename(packageDir)}.json` }]],
  };
}
