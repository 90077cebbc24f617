/**
 * Sums every sample of one metric in a Prometheus text exposition: `name 3` and
 * `name{status="500"} 2` give 5. A metric that is absent counts 0, since a counter that never
 * moved may not be exported at all.
 */
export function readMetric(exposition: string, name: string): number {
  let sum = 0;
  for (const line of exposition.split("\n")) {
    if (line.startsWith("#")) continue;
    const rest = line.slice(name.length);
    if (!line.startsWith(name) || !(rest.startsWith(" ") || rest.startsWith("{"))) continue;
    // The value follows the last `}` (labels may hold spaces) or the name.
    const afterLabels = rest.startsWith("{") ? rest.slice(rest.lastIndexOf("}") + 1) : rest;
    const value = Number(afterLabels.trim().split(/\s+/)[0]);
    if (!Number.isNaN(value)) sum += value;
  }
  return sum;
}
