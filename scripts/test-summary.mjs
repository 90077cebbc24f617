// Sums up the JSON reports that each package's vitest run wrote, as one closing line.
import { readdir, readFile } from "node:fs/promises";

const dir = new URL("../.vitest-results/", import.meta.url);
let passed = 0;
let failed = 0;
let skipped = 0;
let files = [];
try {
  files = (await readdir(dir)).filter((name) => name.endsWith(".json"));
} catch {
  // No reports: nothing ran.
}
for (const name of files) {
  const report = JSON.parse(await readFile(new URL(name, dir), "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
