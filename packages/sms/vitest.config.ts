import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Property tests are CPU-bound: on a 2-core machine shared with other suites, a test that
    // takes 5 s alone can take several times that. Slow is not wrong here.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
