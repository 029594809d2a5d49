import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { lossChart, resample } from '../../src/report/lossChart.js';

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });
// biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI escape is what is matched
const ANSI = /\u001b\[/;

/** The chart body: the lines after the title, each "label ┤ curve". */
function body(chart: string): string[] {
  return chart.trimEnd().split('\n').slice(1);
}

describe('resample', () => {
  it('keeps short series and picks evenly spaced epochs, first and last included, from long ones', () => {
    expect(resample([1, 2, 3], 5)).toEqual([1, 2, 3]);
    const long = Array.from({ length: 101 }, (_, i) => i);
    expect(resample(long, 5)).toEqual([0, 25, 50, 75, 100]);
  });
});

describe('lossChart', () => {
  const falling = Array.from({ length: 200 }, (_, i) => 2 * 0.97 ** i);

  it('draws a falling loss from the top-left row to the bottom row, as wide as asked', () => {
    const chart = lossChart({ train: falling, validation: null }, { color: plain, width: 40, height: 6 });
    const rows = body(chart);
    expect(rows).toHaveLength(7);
    const curve = rows.map((r) => r.slice(r.search(/[┤┼]/) + 1));
    expect(curve.every((c) => c.length <= 40)).toBe(true);
    // The first value is on the top row, the last on the bottom one.
    expect(rows[0]).toMatch(/┼/);
    expect(curve[rows.length - 1].trimEnd().endsWith('─')).toBe(true);
  });

  it('uses a log scale when the loss spans a decade or more, with labels in the loss units', () => {
    const chart = lossChart({ train: falling, validation: null }, { color: plain, height: 4 });
    expect(chart.split('\n')[0]).toContain('log scale');
    const labels = body(chart).map((r) => Number(r.trim().split(/\s+/)[0]));
    expect(labels[0]).toBeCloseTo(falling[0], 1);
    expect(labels[labels.length - 1]).toBeCloseTo(falling[falling.length - 1], 3);
    // Equal steps in log space: each label is the same factor below the one above it.
    const ratios = labels.slice(1).map((v, i) => labels[i] / v);
    for (const r of ratios) expect(r / ratios[0]).toBeCloseTo(1, 1);
  });

  it('uses a linear scale for a loss that changes by less than ten times', () => {
    const chart = lossChart({ train: [0.5, 0.4, 0.35, 0.3], validation: null }, { color: plain, height: 4 });
    expect(chart).not.toContain('log scale');
    const labels = body(chart).map((r) => Number(r.trim().split(/\s+/)[0]));
    expect(labels[0]).toBeCloseTo(0.5, 5);
    expect(labels[labels.length - 1]).toBeCloseTo(0.3, 5);
  });

  it('names both series and colours them only when colour is on', () => {
    const history = { train: falling, validation: falling.map((v) => v * 1.2) };
    const grey = lossChart(history, { color: plain });
    expect(grey.split('\n')[0]).toMatch(/train.*validation/);
    expect(grey).not.toMatch(ANSI);
    expect(lossChart(history, { color: coloured })).toMatch(ANSI);
  });

  it('bridges non-finite epochs and draws nothing when no value is finite', () => {
    const gappy = lossChart({ train: [1, Number.NaN, 0.5, Number.POSITIVE_INFINITY, 0.2], validation: null }, { color: plain });
    expect(gappy).not.toMatch(/NaN|Infinity/);
    expect(body(gappy).length).toBeGreaterThan(1);
    expect(lossChart({ train: [Number.NaN, Number.NaN], validation: null }, { color: plain })).toBe('');
    expect(lossChart({ train: [], validation: null }, { color: plain })).toBe('');
  });
});
