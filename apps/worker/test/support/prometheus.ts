/**
 * Sums every sample of one metric in a Prometheus text exposition: `name 3` and
 * `name{status="500"} 2` give 5. With `labels`, only samples that carry every one of them count:
 * `{ status: "500" }` gives 2. A metric that is absent counts 0, since a counter that never moved
 * may not be exported at all.
 */
export function readMetric(
  exposition: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const line of exposition.split("\n")) {
    if (line.startsWith("#")) continue;
    const rest = line.slice(name.length);
    if (!line.startsWith(name) || !(rest.startsWith(" ") || rest.startsWith("{"))) continue;
    // The value follows the last `}` (labels may hold spaces) or the name.
    const end = rest.startsWith("{") ? rest.lastIndexOf("}") : -1;
    if (!hasLabels(rest.slice(0, end + 1), labels)) continue;
    const value = Number(
      rest
        .slice(end + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (!Number.isNaN(value)) sum += value;
  }
  return sum;
}

/** Whether a label set such as `{a="1",b="x \"y\""}` holds every wanted label with its value. */
function hasLabels(labelSet: string, wanted: Readonly<Record<string, string>>): boolean {
  const found = new Map<string, string>();
  for (const match of labelSet.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
    found.set(
      match[1] ?? "",
      (match[2] ?? "").replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c)),
    );
  }
  return Object.entries(wanted).every(([key, value]) => found.get(key) === value);
}
