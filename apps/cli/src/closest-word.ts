/**
 * Edits (insert, delete or replace a character, or swap two neighbours) that turn `a` into `b`:
 * the optimal string alignment distance.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const same = a[i - 1] === b[j - 1];
      row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (same ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.length, b.length);
}

/**
 * The word of `known` that `typed` most likely meant (a typo of at most two edits, and fewer
 * than half its length), for "did you mean …?"; `undefined` when none is close.
 *
 * @example
 * closestWord("--too", ["--to", "--sender"]); // "--to"
 */
export function closestWord(typed: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const word of known) {
    const distance = editDistance(typed, word);
    if (distance > 2 || distance * 2 >= Math.max(typed.length, word.length)) continue;
    if (!best || distance < best.distance) best = { word, distance };
  }
  return best?.word;
}
