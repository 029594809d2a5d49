/**
 * The test quantities levenbergMarquardt reports with each iteration (LmIteration.tests):
 * they are what MINPACK's ftol, xtol and gtol tests compared, so a caller can tell a run the
 * caps ended while it was still improving from one near rounding level.
 */
import { describe, expect, it } from 'vitest';
import { denseProblem, type LmIteration, levenbergMarquardt } from '../../src/solve/lm.js';
import { enorm } from '../../src/solve/qr.js';
import { jacobian, residual, x0 } from './exp-decay.js';

async function run(opts: { maxIterations?: number; ftol?: number; xtol?: number }) {
  const its: LmIteration[] = [];
  const out = await levenbergMarquardt(denseProblem(2, residual, jacobian), x0, { ...opts, onIteration: (it) => void its.push(it) });
  return { out, its };
}

describe('levenbergMarquardt test quantities', () => {
  it('each iteration reports the relative reduction of ‖f‖² its accepted step made', async () => {
    const { out, its } = await run({ maxIterations: 3 });
    expect(out.convergence).toBe('max-iterations');
    expect(its).toHaveLength(3);
    let before = enorm(residual(x0));
    for (const it of its) {
      const tests = it.tests!;
      expect(tests).toBeDefined();
      expect(tests.reduction).toBeCloseTo(1 - (it.fnorm / before) ** 2, 14);
      expect(tests.reduction).toBeGreaterThan(0);
      expect(tests.predicted).toBeGreaterThan(0);
      expect(tests.step).toBeGreaterThan(0);
      expect(tests.gradient).toBeGreaterThan(0);
      before = it.fnorm;
    }
    // Capped early, the run was still far from its tolerances.
    expect(its.at(-1)!.tests!.reduction).toBeGreaterThan(1e-4);
  });

  it('the last main iteration satisfies the test that ended the run, and polishing steps report none', async () => {
    const ftol = 1e-10;
    const { out, its } = await run({ ftol, xtol: 1e-10 });
    expect(['relative-reduction', 'step', 'reduction-and-step']).toContain(out.convergence);
    const main = its.filter((it) => it.tests);
    expect(its.slice(0, main.length)).toEqual(main);
    const last = main.at(-1)!.tests!;
    if (out.convergence !== 'step') {
      expect(Math.abs(last.reduction)).toBeLessThanOrEqual(ftol);
      expect(last.predicted).toBeLessThanOrEqual(ftol);
    } else {
      expect(last.step).toBeLessThanOrEqual(1e-10);
    }
    // The iteration before the last did not pass: otherwise it would have ended the run.
    const before = main.at(-2)!.tests!;
    expect(Math.max(Math.abs(before.reduction), before.predicted) > ftol || before.step > 1e-10).toBe(true);
  });
});
