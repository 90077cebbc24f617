import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { verdictOf } from "./stats.mjs";

/**
 * One line of the results: a subject against its baseline, both measured in the same run.
 * @typedef {object} BenchmarkRow
 * @property {string} name
 * @property {string} unit of `baseline` and `subject` ("sends/s", "ns/message", "MB", …)
 * @property {import("./stats.mjs").Series} baseline
 * @property {import("./stats.mjs").Series} subject
 * @property {import("./stats.mjs").Series} [ratio] subject speed ÷ baseline speed; none for sizes
 * @property {number} [target] lowest acceptable median ratio; none when only reported
 * @property {Record<string, unknown>} [details] settings and side figures of the run
 */

/**
 * A benchmark that threw: reported in place of its rows.
 * @typedef {object} CrashedBenchmark
 * @property {string} name
 * @property {string} error
 */

/**
 * @param {number} value
 * @returns {string}
 */
function formatValue(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(1);
}

/**
 * @param {BenchmarkRow | CrashedBenchmark} row
 * @returns {"OK" | "MISSED" | "-" | "CRASHED"}
 */
export function verdictOfRow(row) {
  if ("error" in row) return "CRASHED";
  return verdictOf(row.ratio?.median, row.target);
}

/**
 * The results as an aligned text table: name, unit, baseline median, subject median, median
 * ratio, target and verdict.
 * @param {ReadonlyArray<BenchmarkRow | CrashedBenchmark>} rows
 * @returns {string}
 */
export function formatTable(rows) {
  const header = ["benchmark", "unit", "baseline", "subject", "ratio", "target", "verdict"];
  const lines = rows.map((row) => {
    if ("error" in row) return [row.name, "", "", "", "", "", "CRASHED"];
    return [
      row.name,
      row.unit,
      formatValue(row.baseline.median),
      formatValue(row.subject.median),
      row.ratio ? row.ratio.median.toFixed(2) : "-",
      row.target === undefined ? "-" : `>= ${row.target.toFixed(2)}`,
      verdictOfRow(row),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  );
  // Text left-aligned, figures right-aligned.
  const numeric = [false, false, true, true, true, false, false];
  /** @param {string[]} cells */
  const render = (cells) =>
    cells
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const crashes = rows.flatMap((row) => ("error" in row ? [`${row.name}: ${row.error}`] : []));
  return [render(header), rule, ...lines.map(render), ...crashes].join("\n");
}

/**
 * Writes the results and the conditions they were measured in as JSON.
 * @param {string} path
 * @param {object} results
 * @returns {Promise<void>}
 */
export async function writeJsonReport(path, results) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}
