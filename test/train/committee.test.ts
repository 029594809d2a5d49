import { diagnose } from '../../src/report/diagnostics.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { Tensor } from '../../src/engine/index.js';
import { predictTensor } from '../../src/model/predict.js';
import { average, committeeFolds } from '../../src/train/committee.js';
import { AUTO_MEMBERS, COMMITTEE_ROWS, committeeDecision } from '../../src/train/committee-rule.js';
import { train } from '../../src/train/train.js';
import type { FitOutcome } from '../../src/train/types.js';
import { Rng } from '../../src/util/rng.js';
import { uniform, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-committee-');

/** y = sin(2·x1) + x2 with noise: `n` rows of 2 features. */
function rows(n: number, seed: number): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => {
    const x = [4 * u() - 2, 4 * u() - 2];
    return [...x, Math.sin(2 * x[0]) + x[1] + 0.1 * (u() - 0.5)];
  });
}

const auto = { valSplit: 0.1, valSplitGiven: false, restarts: 1, bootstrap: 0, init: false, solver: 'varpro' };

describe('committee rule', () => {
  it(`is on below ${COMMITTEE_ROWS} rows and off from there`, () => {
    expect(committeeDecision('auto', { ...auto, rows: COMMITTEE_ROWS - 1 })).toEqual({ members: AUTO_MEMBERS, auto: true, reason: `auto: ${COMMITTEE_ROWS - 1} rows < ${COMMITTEE_ROWS}` });
    expect(committeeDecision('auto', { ...auto, rows: COMMITTEE_ROWS })).toEqual({ members: 0, auto: true, reason: `auto: ${COMMITTEE_ROWS} rows ≥ ${COMMITTEE_ROWS}` });
  });

  it('is off without validation rows, with a given --val-split, restarts, bootstrap, --init or lm, and a number overrides the rows', () => {
    for (const c of [{ valSplit: 0 }, { valSplitGiven: true }, { restarts: 2 }, { bootstrap: 10 }, { init: true }, { solver: 'lm' }]) expect(committeeDecision('auto', { ...auto, rows: 30, ...c }).members).toBe(0);
    expect(committeeDecision('auto', { ...auto, rows: 30, valSplit: 0.2, valSplitGiven: true }).reason).toBe('auto: --val-split 0.2 was given: one model validates on that split');
    // --committee K asks for the committee whatever the split.
    expect(committeeDecision(4, { ...auto, rows: 30, valSplitGiven: true }).members).toBe(4);
    expect(committeeDecision(3, { ...auto, rows: 5000 }).members).toBe(3);
    expect(committeeDecision(0, { ...auto, rows: 30 }).members).toBe(0);
    // No more members than rows, each validating on at least one.
    expect(committeeDecision('auto', { ...auto, rows: AUTO_MEMBERS - 1 }).members).toBe(AUTO_MEMBERS - 1);
    expect(committeeDecision('auto', { ...auto, rows: 1 }).members).toBe(0);
  });
});

describe('committee folds', () => {
  it('put every row in exactly one fold, the folds differing in size by at most one', () => {
    const fold = committeeFolds(33, 5, new Rng(4));
    const sizes = [0, 1, 2, 3, 4].map((k) => fold.filter((f) => f === k).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(33);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Math.max(...fold)).toBe(4);
  });
});

describe('committee model', () => {
  for (const basis of ['rbf', 'tanh'] as const) {
    it(`${basis}: the stacked model predicts the mean of its members' predictions`, () => {
      const family = families[basis];
      const rng = new Rng(7);
      const x = new Tensor(Float64Array.from({ length: 40 }, () => rng.normal()), [20, 2]);
      const member = (j: number, s: number): FitOutcome => {
        const theta = family.init(x, j, rng.fork(s));
        return {
          theta: family.pack(theta, 2),
          w: Array.from({ length: j }, () => rng.normal()),
          b: rng.normal(),
          epochs: 3,
          bestEpoch: 2,
          stopped: 'early-stop',
          history: { train: [1], validation: [1] },
          trainSeconds: 0,
          recoveries: 0,
          selectionLoss: 1,
        };
      };
      const members = [member(4, 1), member(4, 2), member(4, 3)];
      const predict = (m: FitOutcome) => predictTensor(family, x, new Tensor(Float64Array.from(m.w), [m.w.length]), new Tensor(Float64Array.of(m.b), []), family.unpack(m.theta, 2)).data;
      const avg = average(members, false, undefined);
      expect(avg.theta).toHaveLength(12);
      const got = predict(avg);
      const each = members.map(predict);
      for (let i = 0; i < 20; i++) expect(got[i]).toBeCloseTo((each[0][i] + each[1][i] + each[2][i]) / 3, 12);
    });
  }

  it('is what train() fits on small data under auto: K members in one model file, the same bytes for the same seed', async () => {
    const file = writeCsv(tmp.file('small.csv'), ['x1', 'x2', 'y'], rows(40, 2));
    const a = await train({ file, basis: 'rbf', epochs: 20, committee: 'auto', out: tmp.file('a.json') });
    const b = await train({ file, basis: 'rbf', epochs: 20, committee: 'auto', out: tmp.file('b.json') });
    expect(readFileSync(tmp.file('a.json'))).toEqual(readFileSync(tmp.file('b.json')));
    const k = a.result.committee!;
    expect(k).toMatchObject({ auto: true, members: AUTO_MEMBERS, reason: `auto: 40 rows < ${COMMITTEE_ROWS}` });
    expect(a.model!.theta).toHaveLength(AUTO_MEMBERS * k.units_per_member!);
    expect(k.member_validation_rmse).toHaveLength(AUTO_MEMBERS);
    // Every row trained some member: no held-out rows, and the validation metrics are out-of-fold over all 40.
    expect(a.rows.validation).toBeNull();
    expect(a.result.validation!.n).toBe(40);
    // Standard errors conditional on theta from the members' own ridge smoothers (uncertainty/committee.ts), stored for predict --interval.
    const u = a.result.uncertainty!;
    // σ̂ is checked on every row's out-of-fold residual; the method says when that rescaled it.
    expect(u.method).toBe(`linear-in-w given theta, committee of ${AUTO_MEMBERS} (ridge sandwich, effective dof)${u.held_out!.rescaled ? '; sigma from the held-out rows' : ''}`);
    expect(u.held_out!.rows).toBe(40);
    expect(a.model!.uncertainty!.factor).toHaveLength(a.model!.w.length + 1);
    // The file says it is a committee's average, and the diagnostics pair units within a member only (members start alike).
    expect(a.model!.training.committee).toBe(AUTO_MEMBERS);
    const per = k.units_per_member!;
    const alike = diagnose(a.model!, a.rows.train.x, a.rows.train.n).duplicates;
    expect(alike.every(([u, v]) => Math.floor((u - 1) / per) === Math.floor((v - 1) / per))).toBe(true);
    const asOne = diagnose({ ...a.model!, training: { ...a.model!.training, committee: undefined } }, a.rows.train.x, a.rows.train.n).duplicates;
    expect(asOne.length).toBeGreaterThan(alike.length);
    expect(b.result).toEqual(expect.objectContaining({ committee: k }));
    // auto is the default; --committee 0 fits one model, with its standard errors.
    const byDefault = await train({ file, basis: 'rbf', epochs: 20, out: null });
    expect(byDefault.model).toEqual(a.model);
    const single = await train({ file, basis: 'rbf', epochs: 20, committee: 0, out: null });
    expect(single.result.committee).toBeUndefined();
    expect(single.model!.theta.length).toBeLessThan(a.model!.theta.length);
    expect(single.result.uncertainty).not.toBeNull();
  });
});
