/**
 * Runs contestants in interleaved rounds. The starting contestant rotates from round to round,
 * so none always runs first (on a cold cache) or last (after the others' garbage).
 *
 * @template T
 * @param {object} options
 * @param {number} options.rounds measured rounds
 * @param {number} [options.warmupRounds] rounds run first and thrown away (default 1)
 * @param {Record<string, () => Promise<T>>} options.contestants one measurement per call
 * @param {() => Promise<void>} [options.beforeEach] untimed preparation before every call
 * @returns {Promise<Record<string, T[]>>} each contestant's measurements, in round order
 */
export async function runRounds({ rounds, warmupRounds = 1, contestants, beforeEach }) {
  const names = Object.keys(contestants);
  /** @type {Record<string, T[]>} */
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -warmupRounds; round < rounds; round++) {
    const offset = ((round % names.length) + names.length) % names.length;
    for (let i = 0; i < names.length; i++) {
      const name = /** @type {string} */ (names[(offset + i) % names.length]);
      if (beforeEach) await beforeEach();
      const measurement = await /** @type {() => Promise<T>} */ (contestants[name])();
      if (round >= 0) results[name]?.push(measurement);
    }
  }
  return results;
}

/**
 * Calls `task(0)` … `task(total - 1)` with at most `inFlight` calls pending at once, and resolves
 * with the elapsed milliseconds. The first rejection rejects the whole run.
 * @param {number} total
 * @param {number} inFlight
 * @param {(index: number) => Promise<unknown>} task
 * @returns {Promise<number>}
 */
export async function timeInFlight(total, inFlight, task) {
  let next = 0;
  async function lane() {
    while (next < total) {
      const index = next++;
      await task(index);
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return performance.now() - started;
}
