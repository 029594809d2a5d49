import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { loadModel, parseModel } from '../../src/model/index.js';
import { sampleDoc, sampleModel } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: tests corrupt arbitrary fields of the JSON tree
type Doc = Record<string, any>;

const FILE = 'models/m.json';

function parseError(text: string): ModelError {
  try {
    parseModel(text, FILE);
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected parseModel to throw');
}

function corrupt(mutate: (d: Doc) => void, basis: 'poly' | 'rbf' | 'tanh' = 'rbf', scaling = true): string {
  const d = sampleDoc(basis, { scaling, history: true });
  mutate(d);
  return JSON.stringify(d);
}

describe('parseModel accepts valid models', () => {
  it.each(['poly', 'rbf', 'tanh'] as const)('%s, with and without scaling and history', (basis) => {
    for (const opts of [{}, { scaling: true, history: true }]) {
      const m = sampleModel(basis, opts);
      expect(parseModel(JSON.stringify(m), FILE)).toEqual(m);
    }
  });

  it('ignores a UTF-8 byte-order mark', () => {
    expect(parseModel(`\ufeff${JSON.stringify(sampleModel())}`, FILE)).toEqual(sampleModel());
  });

  it('keeps the extra training details', () => {
    const m = parseModel(JSON.stringify(sampleModel()), FILE);
    expect(m.training).toEqual({ seed: 1, epochs: 200, optimizer: 'adam', lr: 0.01, batch_size: 'full' });
  });
});

describe('parseModel rejects invalid models, naming the field', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"format": "basisfit-model",', /not valid JSON/],
    ['an empty file', '  \n', /the model file is empty/],
    ['a list', '[1, 2]', /the document is a list, not a JSON object/],
    ['null', 'null', /the document is null/],
    ['no format', corrupt((d) => delete d.format), /^format is missing$/],
    ['another format', corrupt((d) => (d.format = 'sklearn')), /format is "sklearn", expected "basisfit-model"/],
    ['no version', corrupt((d) => delete d.version), /^version is missing$/],
    ['version 2', corrupt((d) => (d.version = 2)), /version 2 is not supported \(this basisfit reads version 1\)/],
    ['version "1"', corrupt((d) => (d.version = '1')), /version "1" is not supported/],
    ['an unknown basis', corrupt((d) => (d.basis = 'sigmoid')), /basis is "sigmoid", expected one of "poly", "rbf", "tanh"/],
    ['no features', corrupt((d) => delete d.features), /^features is missing$/],
    ['features as text', corrupt((d) => (d.features = 'x1,x2')), /features is "x1,x2", expected a list of column names/],
    ['no feature', corrupt((d) => (d.features = [])), /features is empty/],
    ['a numeric feature name', corrupt((d) => (d.features[1] = 2)), /features\[1\] is 2, expected a non-empty column name/],
    ['an empty feature name', corrupt((d) => (d.features[0] = '')), /features\[0\] is "", expected a non-empty column name/],
    ['a repeated feature', corrupt((d) => (d.features[1] = 'x1')), /features\[1\] "x1" repeats features\[0\]/],
    ['no target', corrupt((d) => delete d.target), /^target is missing$/],
    ['a null target', corrupt((d) => (d.target = null)), /target is null, expected a column name/],
    ['no theta', corrupt((d) => delete d.theta), /^theta is missing$/],
    ['theta as an object', corrupt((d) => (d.theta = { 0: [1, 2, 3] })), /theta is an object, expected a list of rows/],
    ['theta without rows', corrupt((d) => (d.theta = [])), /theta has no rows/],
    ['a short rbf row', corrupt((d) => d.theta[1].pop()), /theta\[1\] has 2 numbers, expected 3 \(\[c_1\.\.c_D, s\]\) for rbf with 2 features/],
    ['a poly row with a width', corrupt((d) => d.theta[0].push(1), 'poly'), /theta\[0\] has 3 numbers, expected 2 \(\[p_1\.\.p_D\]\) for poly/],
    ['a short tanh row', corrupt((d) => (d.theta[2] = [1, 2]), 'tanh'), /theta\[2\] has 2 numbers, expected 3 \(\[a_1\.\.a_D, c\]\) for tanh/],
    ['a theta row that is not a list', corrupt((d) => (d.theta[2] = 5)), /theta\[2\] is 5, expected a list of numbers/],
    ['null in theta', corrupt((d) => (d.theta[2][1] = null)), /^theta\[2\]\[1\] is not a finite number \(got null\)$/],
    ['text in theta', corrupt((d) => (d.theta[0][0] = '0.1')), /^theta\[0\]\[0\] is not a finite number \(got "0.1"\)$/],
    ['1e999 in theta', JSON.stringify(sampleModel()).replace('[1.25,3,2]', '[1.25,1e999,2]'), /^theta\[1\]\[1\] is not a finite number \(got Infinity\)$/],
    ['-1e999 in w', JSON.stringify(sampleModel()).replace('"w":[1.3,', '"w":[-1e999,'), /^w\[0\] is not a finite number \(got -Infinity\)$/],
    ['a zero rbf width', corrupt((d) => (d.theta[1][2] = 0)), /theta\[1\]\[2\] is the rbf width s and must be > 0, got 0/],
    ['a negative rbf width', corrupt((d) => (d.theta[0][2] = -0.5)), /theta\[0\]\[2\] is the rbf width s and must be > 0, got -0.5/],
    ['too few w', corrupt((d) => d.w.pop()), /w has 2 numbers but theta has 3 rows/],
    ['w as a number', corrupt((d) => (d.w = 1)), /w is 1, expected a list of numbers/],
    ['no b', corrupt((d) => delete d.b), /^b is missing$/],
    ['a null b', corrupt((d) => (d.b = null)), /^b is not a finite number \(got null\)$/],
    ['no scaling key', corrupt((d) => delete d.scaling), /^scaling is missing$/],
    ['scaling as a list', corrupt((d) => (d.scaling = [])), /scaling is a list, expected null or/],
    ['no scaling.x', corrupt((d) => delete d.scaling.x), /^scaling\.x is missing$/],
    ['a short scaling.x.mean', corrupt((d) => d.scaling.x.mean.pop()), /scaling\.x\.mean has 1 numbers, expected 2 \(one per feature\)/],
    ['a zero scaling.x.std', corrupt((d) => (d.scaling.x.std[1] = 0)), /scaling\.x\.std\[1\] must be > 0, got 0/],
    ['a null scaling.x.std entry', corrupt((d) => (d.scaling.x.std[0] = null)), /scaling\.x\.std\[0\] is not a finite number/],
    ['no scaling.y.std', corrupt((d) => delete d.scaling.y.std), /^scaling\.y\.std is missing$/],
    ['a negative scaling.y.std', corrupt((d) => (d.scaling.y.std = -4)), /scaling\.y\.std must be > 0, got -4/],
    ['no training', corrupt((d) => delete d.training), /^training is missing$/],
    ['no training.seed', corrupt((d) => delete d.training.seed), /^training\.seed is missing$/],
    ['a fractional seed', corrupt((d) => (d.training.seed = 1.5)), /training\.seed must be a whole number, got 1.5/],
    ['negative epochs', corrupt((d) => (d.training.epochs = -1)), /training\.epochs must be a whole number >= 0, got -1/],
    ['an infinite training detail', JSON.stringify(sampleModel()).replace('"lr":0.01', '"lr":1e999'), /^training\.lr is not a finite number \(got Infinity\)$/],
    ['a nested infinite detail', corrupt((d) => (d.training.schedule = { steps: [1, 2] })).replace('[1,2]', '[1,-1e999]'), /^training\.schedule\.steps\[1\] is not a finite number/],
    ['history as a list', corrupt((d) => (d.history = [])), /history is a list, expected/],
    ['null in history', corrupt((d) => (d.history.train[1] = null)), /^history\.train\[1\] is not a finite number \(got null\)$/],
    ['no history.validation', corrupt((d) => delete d.history.validation), /^history\.validation is missing$/],
    ['history.validation as text', corrupt((d) => (d.history.validation = 'none')), /history\.validation is "none", expected a list of numbers/],
  ];

  it.each(cases)('%s', (_, text, want) => {
    const err = parseError(text);
    expect(err.message).toMatch(want);
    expect(err.exitCode).toBe(1);
    expect(err.location?.file).toBe(FILE);
    expect(err.describe()).toBe(`${FILE}: ${err.message}`);
    expect(err.hint).toBeTruthy();
    // One clear line each.
    expect(err.message).not.toContain('\n');
  });

  it('says what to do about a newer version', () => {
    expect(parseError(corrupt((d) => (d.version = 2))).hint).toMatch(/upgrade basisfit/);
    expect(parseError(corrupt((d) => (d.theta[0][0] = null))).hint).toMatch(/re-train with basisfit train/);
  });

  it('accepts a model without history and null history.validation', () => {
    expect(() => parseModel(corrupt((d) => delete d.history), FILE)).not.toThrow();
    expect(parseModel(corrupt((d) => (d.history.validation = null)), FILE).history?.validation).toBeNull();
  });

  it('throws only ModelErrors, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(() => parseModel(JSON.stringify(v) ?? 'null', FILE)).toThrow(ModelError);
      }),
    );
  });

  it('throws only ModelErrors when any one field of a valid model is replaced', () => {
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]) => {
      paths.push(p);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) walk(v[i], [...p, i]);
      } else if (v !== null && typeof v === 'object') for (const [k, e] of Object.entries(v)) walk(e, [...p, k]);
    };
    walk(sampleDoc('rbf', { scaling: true, history: true }), []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue(), (path, value) => {
        const d = sampleDoc('rbf', { scaling: true, history: true });
        let parent: Doc = d;
        for (const k of path.slice(0, -1)) parent = parent[k];
        parent[path[path.length - 1]] = value;
        try {
          const m = parseModel(JSON.stringify(d), FILE);
          expect(m.w.length).toBe(m.theta.length);
        } catch (e) {
          expect(e).toBeInstanceOf(ModelError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseModel and prototype pollution', () => {
  it.each([
    ['at the top', '{"__proto__": {"polluted": "yes"}, "format": "basisfit-model"}', /^__proto__: the key "__proto__" is not allowed/],
    ['inside training', JSON.stringify(sampleModel()).replace('"training":{', '"training":{"__proto__":{"polluted":"yes"},'), /^training\.__proto__: the key "__proto__" is not allowed/],
    ['inside scaling', JSON.stringify(sampleModel('rbf', { scaling: true })).replace('"y":{', '"y":{"__proto__":{"polluted":"yes"},'), /^scaling\.y\.__proto__: the key/],
    ['as constructor.prototype', JSON.stringify(sampleModel()).replace('"training":{', '"training":{"constructor":{"prototype":{"polluted":"yes"}},'), /^training\.constructor: the key "constructor" is not allowed/],
    ['inside a list', JSON.stringify(sampleModel()).replace('"training":{', '"training":{"steps":[{"__proto__":{"polluted":"yes"}}],'), /^training\.steps\[0\]\.__proto__: the key/],
  ])('refuses __proto__-style keys %s and leaves Object.prototype alone', (_, text, want) => {
    expect(parseError(text).message).toMatch(want);
    expect(({} as Doc).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });

  it('returns objects with the ordinary prototype, holding validated fields only', () => {
    const m = parseModel(JSON.stringify({ ...sampleModel(), extra: 1 }), FILE) as unknown as Doc;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(m.training)).toBe(Object.prototype);
    expect(m.extra).toBeUndefined();
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const text = JSON.stringify(sampleModel()).replace('"lr":0.01', `"lr":${deep}`);
    expect(parseError(text).message).toMatch(/nested more than 32 levels deep/);
  });
});

describe('loadModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'basisfit-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a valid file', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify(sampleModel('tanh', { scaling: true })));
    expect(await loadModel(path)).toEqual(sampleModel('tanh', { scaling: true }));
  });

  it('names the file in validation errors', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, corrupt((d) => (d.theta[2][0] = null)));
    await expect(loadModel(path)).rejects.toThrow(ModelError);
    await expect(loadModel(path)).rejects.toMatchObject({ message: 'theta[2][0] is not a finite number (got null)', location: { file: path } });
  });

  it.each([
    ['a missing file', 'nope.json', /cannot read the model file: no such file or folder/, /--model path/],
    ['a missing folder', 'no/such/dir/m.json', /no such file or folder/, /--model path/],
    ['a folder', 'sub', /cannot read the model file: it is a folder, not a file/, /--model path/],
  ])('gives a clear ModelError for %s', async (_, name, want, hint) => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    const path = join(dir, name);
    const err = await loadModel(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(want);
    expect((err as ModelError).hint).toMatch(hint);
    expect((err as ModelError).describe()).toContain(path);
  });

  it.skipIf(process.getuid?.() === 0)('gives a clear ModelError for an unreadable file', async () => {
    const path = join(dir, 'locked.json');
    await writeFile(path, JSON.stringify(sampleModel()), { mode: 0o000 });
    await expect(loadModel(path)).rejects.toThrow(/cannot read the model file: permission denied/);
  });
});
