/**
 * `planMessage` and `analyzeContent` over the corpus, against a plain loop that reads and counts
 * every code unit of the same strings: the cheapest pass any encoder must make, so the ratio says
 * how many such passes planning costs, on whatever machine it runs.
 */
import { analyzeContent, planMessage } from "@sms-relay/sms";
import { CORPUS } from "../lib/corpus.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { compareRounds } from "../lib/stats.mjs";

const MAX_CONTENT_LENGTH = 1000;
/** Long enough per measurement for the timer and short pauses not to matter. */
const TARGET_MS = 100;
const CALIBRATION_MIN_MS = 30;

/**
 * @param {string} text
 * @returns {number}
 */
function countCodeUnits(text) {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) ascii++;
    else other++;
  }
  return ascii + other;
}

/** Folded into every result so that no call can be optimized away. */
let sink = 0;

/**
 * @param {(text: string) => number} work
 * @param {number} repetitions passes over the corpus
 * @returns {number} elapsed milliseconds
 */
function timePasses(work, repetitions) {
  const started = performance.now();
  for (let r = 0; r < repetitions; r++) {
    for (const text of CORPUS) sink = (sink + work(text)) | 0;
  }
  return performance.now() - started;
}

/**
 * Passes over the corpus that take about {@link TARGET_MS}; also warms the code up.
 * @param {(text: string) => number} work
 * @returns {number}
 */
function calibrate(work) {
  let repetitions = 1;
  for (;;) {
    const elapsed = timePasses(work, repetitions);
    if (elapsed >= CALIBRATION_MIN_MS) {
      return Math.max(1, Math.round((repetitions * TARGET_MS) / elapsed));
    }
    repetitions *= 2;
  }
}

/**
 * @param {(text: string) => number} work
 * @returns {() => Promise<number>} one measurement in ns per message
 */
function measurer(work) {
  const repetitions = calibrate(work);
  return async () => {
    const elapsed = timePasses(work, repetitions);
    // Yield between measurements, as the other benchmarks do between rounds.
    await new Promise((resolve) => setImmediate(resolve));
    return (elapsed * 1e6) / (repetitions * CORPUS.length);
  };
}

/**
 * @param {{ rounds: number }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchSmsPlanning({ rounds }) {
  const results = await runRounds({
    rounds,
    contestants: {
      baseline: measurer(countCodeUnits),
      planMessage: measurer((text) => planMessage(text, MAX_CONTENT_LENGTH).segments),
      analyzeContent: measurer((text) => analyzeContent(text).units),
    },
  });
  const baseline = results.baseline ?? [];
  const details = { messages: CORPUS.length, maxContentLength: MAX_CONTENT_LENGTH };
  return [
    {
      name: "sms planMessage vs code-unit loop",
      unit: "ns/message",
      ...compareRounds(baseline, results.planMessage ?? [], { higherIsBetter: false }),
      details,
    },
    {
      name: "sms analyzeContent vs code-unit loop",
      unit: "ns/message",
      ...compareRounds(baseline, results.analyzeContent ?? [], { higherIsBetter: false }),
      details,
    },
  ];
}
