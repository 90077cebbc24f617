/**
 * Medians and ratios of benchmark rounds. A ratio compares subject and baseline of the same
 * round, so a machine that gets slower or faster during the run moves both sides together.
 */

/**
 * The median of `values` (the mean of the two middle values for an even count).
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  const lower = sorted[middle - 1] ?? Number.NaN;
  return (lower + upper) / 2;
}

/**
 * The `fraction` quantile of `values` by nearest rank: the smallest value that at least that
 * share of the values does not exceed (0.99 of 1000 answer times is the 990th smallest).
 * @param {ArrayLike<number>} values
 * @param {number} fraction from 0 (excluded) to 1
 * @returns {number}
 */
export function percentile(values, fraction) {
  if (values.length === 0) throw new RangeError("percentile of no values");
  if (!(fraction > 0 && fraction <= 1)) {
    throw new RangeError(`percentile fraction must be over 0 and at most 1, got ${fraction}`);
  }
  const sorted = Float64Array.from(values).sort();
  return /** @type {number} */ (sorted[Math.ceil(fraction * sorted.length) - 1]);
}

/**
 * @typedef {object} Series
 * @property {number} median
 * @property {number[]} rounds
 */

/**
 * @typedef {object} Comparison
 * @property {Series} baseline
 * @property {Series} subject
 * @property {Series} ratio Subject speed ÷ baseline speed, per round; 1 is as fast as the baseline.
 */

/**
 * Pairs round i of the subject with round i of the baseline.
 * @param {readonly number[]} baseline one measurement per round
 * @param {readonly number[]} subject one measurement per round, as many as `baseline`
 * @param {{ higherIsBetter: boolean }} options `false` for times (ns/message), `true` for rates
 * @returns {Comparison}
 */
export function compareRounds(baseline, subject, { higherIsBetter }) {
  if (baseline.length !== subject.length || baseline.length === 0) {
    throw new RangeError(
      `need the same number of baseline and subject rounds, got ${baseline.length} and ${subject.length}`,
    );
  }
  const ratios = baseline.map((base, i) => {
    const value = /** @type {number} */ (subject[i]);
    return higherIsBetter ? value / base : base / value;
  });
  return {
    baseline: { median: median(baseline), rounds: [...baseline] },
    subject: { median: median(subject), rounds: [...subject] },
    ratio: { median: median(ratios), rounds: ratios },
  };
}

/**
 * `OK` when the ratio reaches the target, `MISSED` when not, `-` when there is no target.
 * @param {number | undefined} ratio
 * @param {number | undefined} target
 * @returns {"OK" | "MISSED" | "-"}
 */
export function verdictOf(ratio, target) {
  if (target === undefined || ratio === undefined) return "-";
  return ratio >= target ? "OK" : "MISSED";
}
