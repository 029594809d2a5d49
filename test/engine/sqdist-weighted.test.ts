import { describe, expect, it } from 'vitest';
import { checkGrads, exp, jacobian, sqdist, Tensor } from '../../src/engine/index.js';
import { mulberry32 } from '../../src/engine/check.js';

function rand(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = mulberry32(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  return new Tensor(Float64Array.from({ length: size }, () => lo + (hi - lo) * r()), shape);
}

describe('sqdist with per-unit weights', () => {
  it('equals m_j times the unweighted distances', () => {
    const x = rand([5, 3], 1);
    const c = rand([4, 3], 2);
    const m = rand([4], 3);
    const plain = sqdist(x, c).data;
    const weighted = sqdist(x, c, m).data;
    for (let n = 0; n < 5; n++) for (let j = 0; j < 4; j++) expect(weighted[n * 4 + j]).toBeCloseTo(m.data[j] * plain[n * 4 + j], 14);
  });

  it.each([
    [6, 1, 3],
    [7, 3, 4],
    [2, 8, 5],
  ])('passes the gradient checker in all three inputs at N=%i D=%i J=%i', (n, d, j) => {
    const report = checkGrads((x, c, m) => sqdist(x, c, m), [rand([n, d], n), rand([j, d], j + 10), rand([j], d + 20, 0.2, 2)], {
      rtol: 1e-6,
      directions: 4,
    });
    expect(report.forwardVsReverse).toBeLessThan(1e-10);
  });

  it('an RBF layer exp(sqdist(X, C, -1/s)) matches exp(-‖x-c‖²/s), with forward and reverse Jacobians equal', () => {
    const x = rand([9, 2], 4);
    const c = rand([3, 2], 5);
    const s = rand([3], 6, 0.5, 2);
    const m = new Tensor(s.data.map((v) => -1 / v), [3]);
    const f = (c_: Tensor, m_: Tensor) => exp(sqdist(x, c_, m_));
    const phi = f(c, m).data;
    for (let n = 0; n < 9; n++) {
      for (let j = 0; j < 3; j++) {
        const d2 = (x.data[2 * n] - c.data[2 * j]) ** 2 + (x.data[2 * n + 1] - c.data[2 * j + 1]) ** 2;
        expect(phi[n * 3 + j]).toBeCloseTo(Math.exp(-d2 / s.data[j]), 14);
      }
    }
    const jf = jacobian(f, [c, m], 'forward').data;
    const jr = jacobian(f, [c, m], 'reverse').data;
    for (let i = 0; i < jf.length; i++) expect(Math.abs(jf[i] - jr[i])).toBeLessThan(1e-12);
  });
});
