/** Suggestions for misspelt option names. */

/** Edit distance (insertions, deletions, substitutions), for suggesting the option a typo meant. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The closest known option within a third of the name's length (at least one edit), or none. */
export function suggestion(name: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = levenshtein(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

