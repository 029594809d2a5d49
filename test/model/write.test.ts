import { chmod, link, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelError, TrainingError, UsageError } from '../../src/errors.js';
import { assertNotSameFile, type ModelFile, parseModel, serializeModel, writeFileAtomic, writeModel } from '../../src/model/index.js';
import { sampleModel } from './fixtures.js';

const SPEC_ORDER = ['format', 'version', 'basis', 'features', 'target', 'theta', 'w', 'b', 'scaling', 'training'];

describe('serializeModel', () => {
  it('writes the SPEC key order, two-space indent and a trailing newline', () => {
    const text = serializeModel(sampleModel('rbf', { scaling: true, history: true }));
    expect(Object.keys(JSON.parse(text))).toEqual([...SPEC_ORDER, 'history']);
    expect(Object.keys(JSON.parse(text).scaling)).toEqual(['x', 'y']);
    expect(text.startsWith('{\n  "format": "basisfit-model",\n  "version": 1,\n  "basis": "rbf",\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('gives the same bytes however the model object was assembled', () => {
    const m = sampleModel('tanh', { scaling: true, history: true });
    const shuffled = {
      history: m.history,
      training: { lr: 0.01, batch_size: 'full', optimizer: 'adam', epochs: 200, seed: 1 },
      scaling: { y: { std: 4, mean: 10 }, x: { std: [2, 0.25], mean: [0.5, -3] } },
      b: m.b,
      w: m.w,
      theta: m.theta,
      target: m.target,
      features: m.features,
      basis: m.basis,
      version: m.version,
      format: m.format,
    } as ModelFile;
    expect(serializeModel(shuffled)).toBe(serializeModel(m));
    expect(serializeModel(m)).toBe(serializeModel(structuredClone(m)));
    expect(Object.keys(JSON.parse(serializeModel(m)).training)).toEqual(['seed', 'epochs', 'batch_size', 'lr', 'optimizer']);
  });

  it.each(['poly', 'rbf', 'tanh'] as const)('round-trips a %s model exactly through parseModel', (basis) => {
    for (const opts of [{}, { scaling: true, history: true }]) {
      const m = sampleModel(basis, opts);
      const text = serializeModel(m);
      const back = parseModel(text, 'm.json');
      expect(back).toEqual(m);
      expect(serializeModel(back)).toBe(text);
    }
  });

  it('round-trips every finite double bit for bit', () => {
    const num = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(num, num, num), { minLength: 1, maxLength: 8 }), num, (rows, b) => {
        const m = sampleModel('tanh');
        m.theta = rows.map((r) => [...r]);
        m.w = rows.map((r) => r[0] / 3);
        m.b = b;
        const back = parseModel(serializeModel(m), 'm.json');
        // JSON has one zero: -0 comes back as 0, which is the same parameter.
        const same = (x: number, y: number) => x === y && (x !== 0 || Object.is(y, 0));
        expect(back.theta.flat().every((v, i) => same(m.theta.flat()[i], v))).toBe(true);
        expect(back.w.every((v, i) => same(m.w[i], v))).toBe(true);
        expect(same(m.b, back.b)).toBe(true);
      }),
    );
  });

  it.each([
    ['NaN in theta', (m: ModelFile) => (m.theta[1][0] = Number.NaN), /theta\[1\]\[0\] is not a finite number \(got NaN\)/],
    ['Infinity in w', (m: ModelFile) => (m.w[2] = Number.POSITIVE_INFINITY), /w\[2\] is not a finite number \(got Infinity\)/],
    ['-Infinity in b', (m: ModelFile) => (m.b = Number.NEGATIVE_INFINITY), /^refusing to write the model: b is not a finite number \(got -Infinity\)$/],
    ['NaN in scaling', (m: ModelFile) => (m.scaling!.y.mean = Number.NaN), /scaling\.y\.mean is not a finite number/],
    ['NaN in a training detail', (m: ModelFile) => (m.training.lr = Number.NaN), /training\.lr is not a finite number \(got NaN\)/],
    ['NaN in history', (m: ModelFile) => (m.history!.validation![0] = Number.NaN), /history\.validation\[0\] is not a finite number/],
  ])('refuses %s with a TrainingError naming the field', (_, spoil, want) => {
    const m = sampleModel('rbf', { scaling: true, history: true });
    spoil(m);
    const err = (() => {
      try {
        serializeModel(m);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).message).toMatch(want);
    expect((err as TrainingError).hint).toMatch(/--lr/);
  });

  it('refuses a model the reader would reject, and values JSON cannot hold', () => {
    const short = sampleModel();
    short.w.pop();
    expect(() => serializeModel(short)).toThrow(/refusing to write the model: w has 2 numbers but theta has 3 rows/);
    const odd = sampleModel();
    odd.training.callback = () => 1;
    expect(() => serializeModel(odd)).toThrow(/training\.callback is a function, which a JSON model file cannot hold/);
    const undef = sampleModel();
    undef.training.note = undefined;
    expect(() => serializeModel(undef)).toThrow(TrainingError);
    const typed = sampleModel();
    typed.w = Float64Array.from(typed.w) as unknown as number[];
    expect(() => serializeModel(typed)).toThrow(/w is an object, expected a list of numbers/);
  });
});

describe('writeFileAtomic and writeModel', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'basisfit-write-'));
  });
  afterEach(async () => {
    await chmod(dir, 0o755).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a new file and replaces an existing one, leaving no temp files', async () => {
    const path = join(dir, 'model.json');
    await writeFileAtomic(path, 'first\n');
    expect(await readFile(path, 'utf8')).toBe('first\n');
    await writeFileAtomic(path, 'second\n');
    expect(await readFile(path, 'utf8')).toBe('second\n');
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const path = join(dir, 'model.json');
    await writeFile(path, 'old', { mode: 0o640 });
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'new');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it('writes through a symlink to the file it points to', async () => {
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    await writeFile(real, 'old');
    await symlink(real, link);
    await writeFileAtomic(link, 'new');
    expect(await readFile(real, 'utf8')).toBe('new');
    expect((await stat(link)).isFile()).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['link.json', 'real.json']);
  });

  it('ends with one complete text when writes race', async () => {
    const path = join(dir, 'model.json');
    const texts = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(100_000)}\n`);
    await Promise.all(texts.map((t) => writeFileAtomic(path, t)));
    expect(texts).toContain(await readFile(path, 'utf8'));
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  it('writeModel writes exactly serializeModel', async () => {
    const path = join(dir, 'model.json');
    const m = sampleModel('poly', { scaling: true });
    await writeModel(path, m);
    expect(await readFile(path, 'utf8')).toBe(serializeModel(m));
  });

  it('leaves an existing model byte-identical when serialization refuses NaN', async () => {
    const path = join(dir, 'model.json');
    const before = serializeModel(sampleModel());
    await writeFile(path, before);
    const bad = sampleModel();
    bad.theta[0][0] = Number.NaN;
    await expect(writeModel(path, bad)).rejects.toThrow(TrainingError);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  it('leaves the target untouched and no temp file when the rename fails', async () => {
    // A non-empty folder at the target path: the temp file is complete, the rename fails.
    const path = join(dir, 'model.json');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'kept');
    const err = await writeModel(path, sampleModel()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(/^cannot write the model file: /);
    expect((err as ModelError).location?.file).toBe(path);
    expect(await readdir(dir)).toEqual(['model.json']);
    expect(await readFile(join(path, 'keep'), 'utf8')).toBe('kept');
  });

  it('gives a clear ModelError when the folder does not exist', async () => {
    const path = join(dir, 'no', 'such', 'model.json');
    await expect(writeModel(path, sampleModel())).rejects.toMatchObject({
      message: 'cannot write the model file: no such file or folder',
      hint: expect.stringMatching(/--out/),
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('leaves an existing model byte-identical when the folder is not writable', async () => {
    const path = join(dir, 'model.json');
    const before = serializeModel(sampleModel());
    await writeFile(path, before);
    await chmod(dir, 0o555);
    await expect(writeModel(path, sampleModel('tanh'))).rejects.toThrow(/permission denied/);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['model.json']);
  });
});

describe('assertNotSameFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'basisfit-same-'));
    await writeFile(join(dir, 'data.csv'), 'x,y\n1,2\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses the data file itself, by another spelling, a symlink or a hard link', async () => {
    const data = join(dir, 'data.csv');
    await symlink(data, join(dir, 'sym.csv'));
    await link(data, join(dir, 'hard.csv'));
    for (const out of [data, relative(process.cwd(), data), join(dir, 'sym.csv'), join(dir, 'hard.csv')]) {
      const err = await assertNotSameFile(out, data).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain(`--out ${out} is the input data file ${data}`);
      expect((err as UsageError).hint).toMatch(/different --out/);
    }
    expect(await readFile(data, 'utf8')).toBe('x,y\n1,2\n');
  });

  it('allows a different file, a file not yet there, and standard input', async () => {
    const data = join(dir, 'data.csv');
    const other = join(dir, 'model.json');
    await expect(assertNotSameFile(other, data)).resolves.toBeUndefined();
    await writeFile(other, '{}');
    await expect(assertNotSameFile(other, data)).resolves.toBeUndefined();
    await expect(assertNotSameFile(data, '-')).resolves.toBeUndefined();
  });
});
