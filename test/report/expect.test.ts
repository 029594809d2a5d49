import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { evaluateExpect, parseExpect } from '../../src/report/expect.js';

// Shaped like SPEC section 3's train --json result.
const result = {
  basis: 'rbf',
  units: 20,
  features: ['x'],
  target: 'y',
  epochs: 200,
  stopped: 'max-epochs',
  train: { n: 800, mse: 0.01, rmse: 0.1, mae: 0.08, r2: 0.97 },
  validation: { n: 200, mse: 0.012, rmse: 0.11, mae: 0.09, r2: 0.96 },
  timing: { load_s: 0.02, train_s: 1.9, epoch_s: 0.0095 },
  model: 'model.json',
  converged: true,
};
const noValidation = { ...result, validation: null };

const check = (expr: string, r: object = result) => evaluateExpect(parseExpect(expr), r);

describe('parseExpect', () => {
  it.each([
    ['validation.rmse<=0.12', ['validation', 'rmse'], '<=', 0.12],
    ['train.r2>=0.9', ['train', 'r2'], '>=', 0.9],
    ['epochs<500', ['epochs'], '<', 500],
    ['epochs>1e2', ['epochs'], '>', 100],
    ['timing.epoch_s <= .5', ['timing', 'epoch_s'], '<=', 0.5],
    ['  train.mse  !=  -3e-2 ', ['train', 'mse'], '!=', -0.03],
    ['epochs==200', ['epochs'], '==', 200],
  ])('reads %j', (expr, path, op, number) => {
    expect(parseExpect(expr)).toMatchObject({ expr, path, op, number });
  });

  it('keeps a non-numeric right side as text for == and !=', () => {
    expect(parseExpect('stopped==max-epochs')).toMatchObject({ path: ['stopped'], op: '==', text: 'max-epochs', number: null });
    expect(parseExpect("stopped != 'diverged'")).toMatchObject({ op: '!=', text: 'diverged', number: null });
  });

  it.each([
    ['validation.rmse', /no comparison operator/],
    ['epochs=200', /use == to test equality/],
    ['<=0.1', /nothing before <=/],
    ['  ==x', /nothing before ==/],
    ['train.rmse<=', /nothing after <=/],
    ['train.rmse<=abc', /<= needs a number on the right, got 'abc'/],
    ['train.rmse>0x10', /> needs a number on the right/],
    ['epochs<1e999', /< needs a number on the right/],
    ['train..rmse<1', /has an empty segment/],
    ['.rmse<1', /has an empty segment/],
    ['train rmse<1', /'train rmse', which is not a plain name/],
    ['0.1<=validation.rmse<=0.2', /more than one comparison operator/],
    ['epochs<=1<=2', /more than one comparison operator/],
    ['stopped==a==b', /more than one comparison operator/],
  ])('rejects %j with a UsageError', (expr, why) => {
    let err: unknown;
    try {
      parseExpect(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const u = err as UsageError;
    expect(u.exitCode).toBe(2);
    expect(u.message).toMatch(why);
    expect(u.message).toContain(`"${expr}"`);
    expect(u.hint).toMatch(/KEY OP VALUE/);
  });
});

describe('evaluateExpect', () => {
  it.each([
    ['validation.rmse<=0.12', true, 0.11],
    ['validation.rmse<=0.11', true, 0.11],
    ['validation.rmse<0.11', false, 0.11],
    ['validation.rmse<=0.1', false, 0.11],
    ['train.r2>=0.9', true, 0.97],
    ['train.r2>0.97', false, 0.97],
    ['epochs<500', true, 200],
    ['epochs>500', false, 200],
    ['epochs==200', true, 200],
    ['epochs==2e2', true, 200],
    ['epochs!=200', false, 200],
    ['stopped==max-epochs', true, 'max-epochs'],
    ['stopped=="max-epochs"', true, 'max-epochs'],
    ['stopped==early-stop', false, 'max-epochs'],
    ['stopped!=diverged', true, 'max-epochs'],
    ['model==model.json', true, 'model.json'],
    ['converged==true', true, true],
    ['converged!=true', false, true],
  ])('%s -> %s', (expr, ok, actual) => {
    expect(check(expr)).toEqual({ expr, ok, actual });
  });

  it('fails, with the reason, when the key is missing', () => {
    const r = check('validation.r3>=0.9');
    expect(r.ok).toBe(false);
    expect(r.actual).toBeUndefined();
    expect(r.reason).toMatch(/validation\.r3 is not in the result \(validation has no key 'r3'\)/);
    expect(check('accuracy>0.5').reason).toMatch(/no key 'accuracy'/);
  });

  it('fails, with the reason, when a value on the way is null (no validation split)', () => {
    const r = check('validation.rmse<=0.12', noValidation);
    expect(r).toMatchObject({ ok: false, actual: undefined });
    expect(r.reason).toMatch(/validation is null, so it has no 'rmse'/);
    expect(check('validation==0', noValidation).reason).toMatch(/validation is null in the result/);
    expect(check('validation!=0', noValidation).ok).toBe(false);
  });

  it('fails, with the reason, when the value is not a single number', () => {
    expect(check('train<1').reason).toMatch(/train is an object/);
    expect(check('features==x').reason).toMatch(/features is a list/);
    expect(check('stopped<1').reason).toMatch(/stopped is the text 'max-epochs', not a number/);
    expect(check('units.n<1').reason).toMatch(/units is a number \(20\), so it has no 'n'/);
    expect(check('train.mse<1', { train: { mse: Number.NaN } }).reason).toMatch(/NaN/);
  });

  it('does not resolve inherited properties', () => {
    expect(check('constructor==x').ok).toBe(false);
    expect(check('train.toString!=x').reason).toMatch(/train has no key 'toString'/);
  });

  it('never throws, whatever the result document holds', () => {
    const exprs = ['a<=1', 'a.b>2', 'a.0==x', 'a.b.c!=3', 'b==true'].map(parseExpect);
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        for (const e of exprs) {
          const r = evaluateExpect(e, { a, b });
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok && r.reason === undefined) expect(r.actual).not.toBeUndefined();
        }
      }),
    );
  });
});
