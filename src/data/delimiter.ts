import { UsageError } from '../errors.js';

/** Candidates for detection, in order of preference when counts tie. */
const CANDIDATES = [',', ';', '\t'] as const;

const NAMED: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';' };

/**
 * Validates a user-given delimiter. Accepts one character, or the names 'tab',
 * '\t' (as typed in a shell), 'comma' and 'semicolon'.
 */
export function normalizeDelimiter(given: string): string {
  const named = NAMED[given.toLowerCase()];
  if (named !== undefined) return named;
  if (given.length !== 1 || given === '"' || given === '\n' || given === '\r') {
    throw new UsageError(
      `invalid delimiter ${JSON.stringify(given)}`,
      "give one character such as ',' or ';', or 'tab'",
    );
  }
  return given;
}

/**
 * Picks the delimiter of a CSV from its first line: whichever of comma,
 * semicolon and tab occurs most often outside quotes. A line with none of them
 * is a single column, for which any choice works; comma is returned.
 */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>(CANDIDATES.map((c) => [c, 0]));
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = CANDIDATES[0];
  for (const c of CANDIDATES) if (counts.get(c)! > counts.get(best)!) best = c;
  return best;
}
