// "Did you mean" suggestions for misspelt names (modules, params). Edit distance is enough for
// the short identifiers users type; the threshold scales with length so `fiel` finds `file`
// but `x` does not suggest every one-letter name.

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/** Candidates close to `name`, closest first; empty when nothing is plausibly meant. */
export function similarNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = name.toLowerCase();
  const maxDistance = Math.max(1, Math.floor(lower.length / 3));
  return [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= maxDistance)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** " (did you mean a or b?)", or "" when there is nothing close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = similarNames(name, candidates);
  return close.length === 0 ? '' : ` (did you mean ${close.join(' or ')}?)`;
}
