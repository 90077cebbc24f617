/** What a PromQL query reads: the metrics it selects and the labels it names. */
export interface QueryNames {
  /** Each metric selected, with the labels its own matchers name (`name{a="x"}` gives `a`). */
  selectors: { metric: string; labels: string[] }[];
  /** Labels of `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left (…)`. */
  groupingLabels: string[];
}

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "and",
  "or",
  "unless",
  "inf",
  "nan",
]);

const IDENTIFIER = /(?<![\w:$])[a-zA-Z_:][a-zA-Z0-9_:]*/y;

/**
 * The metric and label names of a PromQL query, read with a small scanner: enough for the
 * queries of our alerts and dashboards (selectors, aggregations, functions, ranges, offsets),
 * not a full parser. A name followed by `(` is a function or an aggregation, not a metric.
 */
export function promqlNames(expr: string): QueryNames {
  const selectors: QueryNames["selectors"] = [];
  const groupingLabels: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const char = expr[i] ?? "";
    if (char === '"' || char === "'" || char === "`") {
      i = skipString(expr, i);
      continue;
    }
    if (char === "[") {
      i = expr.indexOf("]", i) + 1;
      continue;
    }
    if (char === "{") {
      // A selector without a name: `{__name__="x"}`. Ours always name the metric.
      const end = expr.indexOf("}", i);
      selectors.push({ metric: "", labels: matcherLabels(expr.slice(i + 1, end)) });
      i = end + 1;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const match = IDENTIFIER.exec(expr);
    if (!match) {
      i += 1;
      continue;
    }
    const name = match[0];
    i += name.length;
    const rest = expr.slice(i);
    if (["by", "without", "on", "ignoring", "group_left", "group_right"].includes(name)) {
      const list = /^\s*\(([^)]*)\)/.exec(rest);
      if (list) {
        groupingLabels.push(...splitNames(list[1] ?? ""));
        i += list[0].length;
      }
      continue;
    }
    if (KEYWORDS.has(name.toLowerCase())) continue;
    // A function, or an aggregation (`sum (…)`, `sum by (a) (…)`).
    if (/^\s*\(/.test(rest) || /^\s*(by|without)\s*\(/.test(rest)) continue;
    const matchers = /^\{([^}]*)\}/.exec(rest);
    selectors.push({ metric: name, labels: matchers ? matcherLabels(matchers[1] ?? "") : [] });
    if (matchers) i += matchers[0].length;
  }
  return { selectors, groupingLabels };
}

function skipString(expr: string, start: number): number {
  const quote = expr[start];
  let i = start + 1;
  while (i < expr.length && expr[i] !== quote) i += expr[i] === "\\" ? 2 : 1;
  return i + 1;
}

function matcherLabels(body: string): string[] {
  return [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1] ?? "");
}

function splitNames(list: string): string[] {
  return list
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}
