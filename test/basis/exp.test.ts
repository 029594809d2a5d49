/**
 * Family exp: φ_j(x) = exp(a_j · x) computed by the engine, its model-file
 * layout, gradients from both modes against finite differences, and a
 * seeded init that starts every unit finite and away from overflow.
 */
import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { checkGrads, Tensor } from '../../src/engine/index.js';
import { thetaRowLength } from '../../src/model/index.js';
import { Rng } from '../../src/util/rng.js';

const exp = families.exp;

describe('exp basis', () => {
  it('computes exp(a_j · x) with θ_j = [a_j1 .. a_jD]', () => {
    const x = new Tensor(Float64Array.from([0.5, -1, 2, 0.25]), [2, 2]);
    const theta = [
      [0.3, -0.2],
      [-1.5, 0.4],
    ];
    const phi = exp.features(exp.prepare(x), exp.unpack(theta, 2)).data;
    expect(phi[0]).toBeCloseTo(Math.exp(0.3 * 0.5 + -0.2 * -1), 14);
    expect(phi[1]).toBeCloseTo(Math.exp(-1.5 * 0.5 + 0.4 * -1), 14);
    expect(phi[3]).toBeCloseTo(Math.exp(-1.5 * 2 + 0.4 * 0.25), 14);
    expect(exp.pack(exp.unpack(theta, 2), 2)).toEqual(theta);
    expect(exp.thetaWidth(3)).toBe(3);
    expect(thetaRowLength('exp', 3)).toBe(3);
  });

  it('forward and reverse gradients of a weighted sum agree with finite differences', () => {
    const x = new Tensor(Float64Array.from({ length: 12 }, (_, i) => Math.sin(i)), [6, 2]);
    const theta = exp.unpack([[0.3, -0.7], [1.1, 0.2], [-0.4, 0.9]], 2);
    expect(() => checkGrads((a) => exp.features(x, [a]), [theta[0]], { rtol: 1e-6 })).not.toThrow();
  });

  it.each([1, 3])('init (D = %i) is seeded, spreads rates of both signs, and keeps |a·x| ≤ 40 on the data', (d) => {
    const n = 50;
    // Inputs far from 0 (as raw times can be): the exponent bound must hold there too.
    const x = new Tensor(Float64Array.from({ length: n * d }, (_, i) => 1000 + (i % 17)), [n, d]);
    for (const scale of exp.initScales) {
      const [a] = exp.init(x, 6, new Rng(3), scale);
      expect(a.shape).toEqual([6, d]);
      const [again] = exp.init(x, 6, new Rng(3), scale);
      expect(Array.from(again.data)).toEqual(Array.from(a.data));
      const phi = exp.features(x, [a]).data;
      for (const v of phi) expect(Number.isFinite(v) && v > 0).toBe(true);
      for (let j = 0; j < 6; j++) {
        let reach = 0;
        for (let k = 0; k < d; k++) reach += Math.abs(a.data[j * d + k]) * 1016;
        expect(reach).toBeLessThanOrEqual(40 * (1 + 1e-12));
      }
    }
    if (d === 1) {
      const [a] = exp.init(new Tensor(Float64Array.from({ length: n }, (_, i) => i / 10), [n, 1]), 4, new Rng(1));
      expect(Array.from(a.data, Math.sign)).toEqual([-1, 1, -1, 1]);
      // Magnitudes grow from unit to unit: from nearly linear to sharp over the data's range.
      for (let j = 1; j < 4; j++) expect(Math.abs(a.data[j])).toBeGreaterThan(Math.abs(a.data[j - 1]));
    }
  });

  it.each([1, 3])('init (D = %i) at a negative scale makes every unit a decay, with the magnitudes of |scale|', (d) => {
    const n = 40;
    const x = new Tensor(Float64Array.from({ length: n * d }, (_, i) => (i % 13) / 4), [n, d]);
    expect(exp.initScales.filter((s) => s < 0).map(Math.abs).sort()).toEqual(exp.initScales.filter((s) => s > 0).sort());
    const [decays] = exp.init(x, 5, new Rng(2), -2);
    const [mixed] = exp.init(x, 5, new Rng(2), 2);
    for (let i = 0; i < 5 * d; i++) expect(decays.data[i]).toBeLessThan(0);
    // The same draws and magnitudes: only the signs differ.
    for (let i = 0; i < 5 * d; i++) expect(Math.abs(decays.data[i])).toBeCloseTo(Math.abs(mixed.data[i]), 14);
    expect(Array.from(mixed.data).some((v) => v > 0)).toBe(true);
  });
});
