/**
 * Prints one line of the figures behind a reliability test's verdict (rates, duplicates,
 * timings), so a run that passes narrowly or fails on a loaded machine can be told apart.
 */
export function printSummary(test: string, figures: Record<string, unknown>): void {
  console.info(`[${test}] ${JSON.stringify(figures)}`);
}
