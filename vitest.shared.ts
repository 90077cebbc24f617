import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const resultsDir = fileURLToPath(new URL("./.vitest-results/", import.meta.url));

/**
 * Test settings every package starts from (pass its config's `import.meta.url`): real Redis and
 * HTTP servers make tests slower than pure unit tests, and each package writes a JSON report that
 * `pnpm test` sums up in its closing line.
 */
export function sharedTestConfig(configUrl: string) {
  const name = basename(dirname(fileURLToPath(configUrl)));
  return {
    include: ["test/**/*.test.ts"],
    // `pnpm test:fast`: everything but the multi-process reliability runs, for a quick loop.
    exclude: process.env.SMS_RELAY_TEST_FAST === "1" ? ["test/reliability/**"] : [],
    pool: "forks" as const,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: `${resultsDir}${name}.json` }]] as [
      "default",
      ["json", { outputFile: string }],
    ],
  };
}
