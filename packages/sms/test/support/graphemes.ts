/** Reference grapheme boundaries: one `Intl.Segmenter` pass over the whole text. */
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function graphemeBoundaries(text: string): Set<number> {
  const boundaries = new Set<number>([text.length]);
  for (const { index } of segmenter.segment(text)) boundaries.add(index);
  return boundaries;
}

/** The grapheme clusters of `text`, each with where it starts. */
export function graphemes(text: string): Array<{ segment: string; index: number }> {
  return [...segmenter.segment(text)].map(({ segment, index }) => ({ segment, index }));
}
