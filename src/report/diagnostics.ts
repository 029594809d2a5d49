/**
 * What a trained model's units are doing on its data: which carry the fit,
 * which are dead weight (saturated tanh, collapsed or exploded rbf widths) and
 * which duplicate each other. Everything is measured on the inputs as the
 * model acts on them (after its scaling), so the thresholds are unit-free.
 */
import type { ChalkInstance } from 'chalk';
import { families } from '../basis/index.js';
import { nearestNeighbourSqDist } from '../basis/spread.js';
import { Tensor } from '../engine/index.js';
import type { ModelFile } from '../model/index.js';
import { scaleInputs } from '../model/predict.js';

/** |a·x + c| at or above this on every row: tanh'(3) < 0.01, so the unit hardly moves or learns. */
export const SATURATION = 3;
/** A bump narrower than this fraction of the typical gap between neighbouring rows can only fit single points. */
export const COLLAPSE = 0.5;
/** φ_j at least this on every row: the bump is wider than the data and acts as a constant. */
export const EXPLOSION = 0.95;
/** |correlation| of two units' values over the rows at or above this: they do the same job. */
export const DUPLICATE = 0.999;
/** Pairwise work (duplicates, neighbour gaps) looks at an evenly spaced subset of at most this many rows. */
const PAIRWISE_ROWS = 1500;

export type UnitFlag = 'saturated' | 'collapsed' | 'exploded' | 'duplicate';

export interface UnitDiagnostics {
  /** 1-based, as j in docs/contract.md's formulas: its parameters are theta[unit - 1]. */
  unit: number;
  /** |w_j| × (standard deviation of φ_j over the rows), as a fraction of the sum over all units. */
  share: number;
  flags: UnitFlag[];
}

export interface Diagnostics {
  rows: number;
  units: UnitDiagnostics[];
  /** tanh units with |a_j·x + c_j| ≥ SATURATION on every row. */
  saturated: number[];
  /** rbf units whose length scale √s_j is below COLLAPSE × the median gap between neighbouring rows. */
  collapsed: number[];
  /** rbf units with φ_j ≥ EXPLOSION on every row. */
  exploded: number[];
  /** Pairs of units whose values over the rows correlate with |r| ≥ DUPLICATE. */
  duplicates: [number, number][];
}

/** Φθ(X) for N raw rows: N × J, row-major, on the model's scaled inputs. */
export function basisValues(model: ModelFile, x: Float64Array, n: number): Float64Array {
  const family = families[model.basis];
  const d = model.features.length;
  const prepared = family.prepare(new Tensor(scaleInputs(model, x, n), [n, d]));
  return family.features(prepared, family.unpack(model.theta, d)).data;
}

/** Diagnoses a model on N raw rows (the training rows, in the model's feature order). */
export function diagnose(model: ModelFile, x: Float64Array, n: number): Diagnostics {
  const J = model.w.length;
  const d = model.features.length;
  const units: UnitDiagnostics[] = Array.from({ length: J }, (_, j) => ({ unit: j + 1, share: 0, flags: [] }));
  if (n === 0 || J === 0) return { rows: n, units, saturated: [], collapsed: [], exploded: [], duplicates: [] };
  const phi = basisValues(model, x, n);
  const { mean, sd } = columnMoments(phi, n, J);

  const contribution = sd.map((s, j) => Math.abs(model.w[j]) * s);
  const total = contribution.reduce((a, b) => a + b, 0);
  contribution.forEach((c, j) => {
    units[j].share = total > 0 ? c / total : 0;
  });

  const u = scaleInputs(model, x, n);
  const saturated = model.basis === 'tanh' ? saturatedUnits(model.theta, u, n, d) : [];
  const collapsed = model.basis === 'rbf' ? collapsedUnits(model.theta, u, n, d) : [];
  const exploded = model.basis === 'rbf' ? explodedUnits(phi, n, J) : [];
  // A committee's members start from the same settings, so units of different members alike are expected, not waste.
  const members = typeof model.training.committee === 'number' ? model.training.committee : 1;
  const duplicates = duplicatePairs(phi, n, J, mean, sd, J / members);

  const flag = (list: number[], f: UnitFlag) => {
    for (const unit of list) units[unit - 1].flags.push(f);
  };
  flag(saturated, 'saturated');
  flag(collapsed, 'collapsed');
  flag(exploded, 'exploded');
  flag([...new Set(duplicates.flat())].sort((a, b) => a - b), 'duplicate');
  return { rows: n, units, saturated, collapsed, exploded, duplicates };
}

function columnMoments(phi: Float64Array, n: number, J: number): { mean: number[]; sd: number[] } {
  const mean = new Array<number>(J).fill(0);
  const sd = new Array<number>(J).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < J; j++) mean[j] += phi[i * J + j];
  for (let j = 0; j < J; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < J; j++) sd[j] += (phi[i * J + j] - mean[j]) ** 2;
  for (let j = 0; j < J; j++) sd[j] = Math.sqrt(sd[j] / n);
  return { mean, sd };
}

function saturatedUnits(theta: number[][], u: Float64Array, n: number, d: number): number[] {
  const out: number[] = [];
  theta.forEach((row, j) => {
    let smallest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n && smallest >= SATURATION; i++) {
      let z = row[d];
      for (let k = 0; k < d; k++) z += row[k] * u[i * d + k];
      smallest = Math.min(smallest, Math.abs(z));
    }
    if (smallest >= SATURATION) out.push(j + 1);
  });
  return out;
}

function collapsedUnits(theta: number[][], u: Float64Array, n: number, d: number): number[] {
  const gap = medianNeighbourGap(u, n, d);
  if (!(gap > 0)) return [];
  return theta.flatMap((row, j) => (Math.sqrt(row[d]) < COLLAPSE * gap ? [j + 1] : []));
}

function explodedUnits(phi: Float64Array, n: number, J: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < J; j++) {
    let lowest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) lowest = Math.min(lowest, phi[i * J + j]);
    if (lowest >= EXPLOSION) out.push(j + 1);
  }
  return out;
}

/** Median distance from a row to its nearest distinct row (repeated x values are common and say nothing about spacing). */
function medianNeighbourGap(u: Float64Array, n: number, d: number): number {
  const rows = evenSubset(n);
  const sub = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    sub.set(u.subarray(r * d, r * d + d), i * d);
  });
  const gaps = Array.from(nearestNeighbourSqDist(new Tensor(sub, [rows.length, d])))
    .filter(Number.isFinite)
    .map(Math.sqrt)
    .sort((a, b) => a - b);
  if (gaps.length === 0) return Number.NaN;
  // A subset of m of n rows is sparser by about (n/m)^(1/d); scale back to the full data's spacing.
  const median = gaps[Math.floor(gaps.length / 2)];
  return median * (rows.length / n) ** (1 / d);
}

/** Pairs within one block of `group` consecutive units (one committee member; all J for one model). */
function duplicatePairs(phi: Float64Array, n: number, J: number, mean: number[], sd: number[], group: number): [number, number][] {
  const rows = evenSubset(n);
  // Constant units have no correlation; they show up as saturated or exploded instead.
  const live = sd.map((s, j) => s > 1e-9 * (1 + Math.abs(mean[j])));
  const pairs: [number, number][] = [];
  for (let a = 0; a < J; a++) {
    if (!live[a]) continue;
    const end = (Math.floor(a / group) + 1) * group;
    for (let b = a + 1; b < end; b++) {
      if (!live[b]) continue;
      let cov = 0;
      for (const r of rows) cov += (phi[r * J + a] - mean[a]) * (phi[r * J + b] - mean[b]);
      const r = cov / rows.length / (sd[a] * sd[b]);
      if (Math.abs(r) >= DUPLICATE) pairs.push([a + 1, b + 1]);
    }
  }
  return pairs;
}

function evenSubset(n: number): number[] {
  const m = Math.min(n, PAIRWISE_ROWS);
  return Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
}

function unitList(units: number[]): string {
  return units.length === 1 ? `unit ${units[0]}` : `units ${units.join(', ')}`;
}

/** Lines for the human training summary: the units that carry the fit, then any trouble. */
export function diagnosticsSummary(dx: Diagnostics, c: ChalkInstance): string {
  if (dx.units.length === 0) return '';
  const ranked = [...dx.units].sort((a, b) => b.share - a.share || a.unit - b.unit);
  const top = ranked.slice(0, 5).map((u) => `${u.unit} ${(100 * u.share).toFixed(0)}%`);
  const idle = ranked.filter((u) => u.share < 0.01).length;
  const lines = [
    `${c.dim('share of the fit by unit:')} ${top.join(', ')}${ranked.length > 5 ? ', …' : ''}${idle > 0 ? c.dim(` (${idle} under 1%)`) : ''}`,
  ];
  const warn = (text: string) => lines.push(`${c.yellow('diagnostics:')} ${text}`);
  if (dx.saturated.length > 0) {
    warn(`tanh ${unitList(dx.saturated)} saturated on every row (|a·x + c| ≥ ${SATURATION}): constants or hard steps that barely learn`);
  }
  if (dx.collapsed.length > 0) warn(`rbf ${unitList(dx.collapsed)} collapsed: narrower than the gap between neighbouring rows, fitting single points`);
  if (dx.exploded.length > 0) warn(`rbf ${unitList(dx.exploded)} exploded: wider than the data, acting as constants`);
  const troubled = lines.length > 1;
  if (dx.duplicates.length > 0) {
    // With many units and a ridge, near-copies are expected and harmless: information, not a warning.
    const shown = dx.duplicates.slice(0, 5).map(([a, b]) => `${a}~${b}`);
    lines.push(
      c.dim(
        `near-duplicate units (|correlation| ≥ ${DUPLICATE}): ${shown.join(', ')}${dx.duplicates.length > 5 ? `, and ${dx.duplicates.length - 5} more pairs` : ''}; the ridge shares their weight, fewer --units would train faster`,
      ),
    );
  }
  if (troubled) lines.push(c.dim('  fewer --units, another --seed or more --restarts may help'));
  return `${lines.join('\n')}\n`;
}
