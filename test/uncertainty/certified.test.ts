/**
 * Standard errors against certified ones: on the lm reference problems
 * (test/fixtures/lm-reference, scripts/lm-reference.py: the optimum polished by
 * Newton at 50 digits in mpmath, then sd = sqrt(diag(σ̂²(JᵀJ)⁻¹)), σ̂² = RSS/(N − P),
 * in mpmath too), a converged lm fit with ridge 0, raw columns and no validation
 * split must give every parameter's standard error to at least 3 significant
 * digits by the full Gauss–Newton method, with b's null and left out of P
 * under --no-intercept. UNC_DIGITS=1 prints the digits per problem.
 */
import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/types.js';
import { computeUncertainty } from '../../src/uncertainty/covariance.js';
import { describeRun, parseJsonOutput, runCli } from '../helpers/cli.js';
import { writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';
import { digits, fitReference, references } from '../train/lm-reference.js';

interface Sd {
  theta: string[][];
  w: string[];
  b: string | null;
}

describe('standard errors reach the certified ones', () => {
  it.each(references)('$name: ≥ 3 digits on every standard error', async (p) => {
    const out = await fitReference(p, p.starts.near);
    const model: ModelFile = {
      format: 'basisfit-model',
      version: 1,
      basis: p.basis,
      features: ['x'],
      target: 'y',
      theta: out.theta,
      w: out.w,
      b: out.b,
      scaling: null,
      training: { seed: 1, epochs: out.epochs, ...(p.intercept ? {} : { intercept: false }) },
    };
    const u = computeUncertainty({ model, x: Float64Array.from(p.x), y: Float64Array.from(p.y), n: p.x.length, ridge: 0, stopped: 'converged' });
    expect(u.warning).toBeUndefined();
    const r = u.report!;
    expect(r.method).toBe('gauss-newton delta method over w, b, theta (least squares, dof N - P)');
    const sd = (p.reference as unknown as { sd: Sd }).sd;
    const pairs: [number, number][] = [];
    r.stderr.w.forEach((v, j) => {
      pairs.push([v, Number(sd.w[j])]);
    });
    r.stderr.theta.forEach((row, j) => {
      row.forEach((v, k) => {
        pairs.push([v!, Number(sd.theta[j][k])]);
      });
    });
    if (p.intercept) pairs.push([r.stderr.b!, Number(sd.b)]);
    else expect(r.stderr.b).toBeNull();
    expect(pairs).toHaveLength(out.theta.flat().length + out.w.length + (p.intercept ? 1 : 0));
    // ν = N − P with P the free parameters.
    expect(r.dof).toBeCloseTo(p.x.length - pairs.length, 9);
    const worst = Math.min(...pairs.map(([g, ref]) => digits(g, ref)));
    if (process.env.UNC_DIGITS) console.log(`${p.name}: ${worst.toFixed(1)} digits on the standard errors`);
    expect(worst).toBeGreaterThanOrEqual(3);
  });
});

describe('through the CLI', () => {
  const tmp = useTmpdir();
  it('train --solver lm on a reference problem reports the full method and the certified standard errors', async () => {
    const p = references.find((r) => r.name === 'exp1-nob')!;
    const file = writeCsv(tmp.file('exp1-nob.csv'), ['x', 'y'], p.x.map((x, i) => [x, p.y[i]]));
    const r = await runCli(['train', file, '--basis', 'exp', '--units', String(p.units), '--solver', 'lm', '--ridge', '0', '--no-standardize', '--val-split', '0', '--no-intercept', '--json', '--quiet', '--out', tmp.file('m.json')]);
    expect(r.code, describeRun(r)).toBe(0);
    const u = parseJsonOutput<{ uncertainty: { method: string; stderr: { w: number[]; b: number | null; theta: number[][] } } }>(r).uncertainty;
    expect(u.method).toBe('gauss-newton delta method over w, b, theta (least squares, dof N - P)');
    expect(u.stderr.b).toBeNull();
    const sd = (p.reference as unknown as { sd: Sd }).sd;
    expect(digits(u.stderr.w[0], Number(sd.w[0]))).toBeGreaterThanOrEqual(3);
    expect(digits(u.stderr.theta[0][0], Number(sd.theta[0][0]))).toBeGreaterThanOrEqual(3);
  });
});
