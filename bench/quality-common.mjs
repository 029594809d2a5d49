// Helpers the quality benchmarks (defaults.mjs, multi.mjs) share.

/** A --set / --lever value: null, a boolean, a number, or the text itself. */
export function parseValue(text) {
  if (text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/** Header and data lines of a simple numeric CSV (the sample files have no quoting). */
export function csvLines(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return { header: lines[0], rows: lines.slice(1) };
}

export function rmse(pred, y) {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}
