/**
 * What a receiver's arrival times say about a rate limit: the most requests in any sliding
 * window, and the rate sustained once the first burst went out.
 */

/**
 * The most of `times` that fall within any window `[t, t + windowMs)`.
 * @param {readonly number[]} times milliseconds, in any order
 * @param {number} windowMs
 * @returns {number}
 */
export function busiestWindow(times, windowMs) {
  const sorted = Float64Array.from(times).sort();
  let best = 0;
  let end = 0;
  // A window that holds the most can always slide right until it starts at an arrival.
  for (let start = 0; start < sorted.length; start++) {
    const until = /** @type {number} */ (sorted[start]) + windowMs;
    while (end < sorted.length && /** @type {number} */ (sorted[end]) < until) end++;
    best = Math.max(best, end - start);
  }
  return best;
}

/**
 * Requests per second after the first `limit`: `(n - limit) / (t[n] - t[limit])` over the sorted
 * times (1-based). A sliding-window limiter lets its first `limit` requests through at once; what
 * it sustains shows in the others, whether they come in bursts or spread out evenly, and a run of
 * `n` requests at exactly `limit` per second gives exactly `limit`.
 * @param {readonly number[]} times milliseconds, in any order
 * @param {number} limit
 * @returns {number}
 */
export function sustainedRate(times, limit) {
  const sorted = Float64Array.from(times).sort();
  const first = sorted[limit - 1];
  const last = sorted[sorted.length - 1];
  if (sorted.length <= limit || first === undefined || last === undefined || last <= first) {
    throw new RangeError(
      `need more than ${limit} arrivals over some time, got ${sorted.length} arrivals`,
    );
  }
  return ((sorted.length - limit) / (last - first)) * 1000;
}
