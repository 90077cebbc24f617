/**
 * Property-test run counts: the defaults keep the package's tests well under a minute on a
 * loaded 2-core machine; FC_NUM_RUNS overrides them all (for a long soak, or a quick look).
 */
export function numRuns(defaultRuns: number): number {
  const fromEnv = Number.parseInt(process.env.FC_NUM_RUNS ?? "", 10);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns;
}
