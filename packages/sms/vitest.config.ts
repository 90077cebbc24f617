import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";

export default defineConfig({
  test: {
    ...sharedTestConfig(import.meta.url),
    // Property tests are CPU-bound: on a 2-core machine shared with other suites, a test that
    // takes 5 s alone can take several times that. Slow is not wrong here.
    testTimeout: 120_000,
  },
});
