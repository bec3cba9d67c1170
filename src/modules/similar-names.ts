// "Did you mean" suggestions for misspelt names (modules, params). Edit distance is enough for
// the short identifiers users type; the threshold scales with length so `fiel` finds `file`
// but `x` does not suggest every one-letter name.

/** Edit distance counting a swap of two neighbours as one edit (the commonest typo: `moed`). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/** The closest candidates to `name` (all equally close); empty when nothing is plausibly meant. */
export function similarNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = name.toLowerCase();
  const maxDistance = Math.max(1, Math.floor(lower.length / 3));
  const scored = [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= maxDistance);
  const best = Math.min(...scored.map(({ distance }) => distance));
  return scored
    .filter(({ distance }) => distance === best)
    .map(({ candidate }) => candidate)
    .sort()
    .slice(0, limit);
}

/** " (did you mean a or b?)", or "" when there is nothing close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = similarNames(name, candidates);
  return close.length === 0 ? '' : ` (did you mean ${close.join(' or ')}?)`;
}
