/**
 * Failures that a real disk produces but a test cannot provoke on demand (a full disk mid-write,
 * an I/O error at fsync or rename), injected into node:fs/promises for write.ts alone.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { serializeModel, writeModel } from '../../src/model/index.js';
import { sampleModel } from './fixtures.js';

type Step = 'write' | 'sync' | 'rename' | null;
const inject = vi.hoisted(() => ({ step: null as Step }));

function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected failure`), { code });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      if (inject.step === 'write') {
        // Half the text reaches the temp file, then the disk is full.
        handle.writeFile = async (data: unknown) => {
          await handle.write(String(data).slice(0, 40));
          throw fsError('ENOSPC');
        };
      }
      if (inject.step === 'sync' && args[1] === 'wx') {
        handle.sync = async () => {
          throw fsError('EIO');
        };
      }
      return handle;
    },
    rename: async (...args: Parameters<typeof actual.rename>) => {
      if (inject.step === 'rename') throw fsError('EIO');
      return actual.rename(...args);
    },
  };
});

describe('writeModel when the disk fails', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'basisfit-fail-'));
  });
  afterEach(async () => {
    inject.step = null;
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['write', /no space left on the device/],
    ['sync', /EIO: injected failure/],
    ['rename', /EIO: injected failure/],
  ] as const)('a failed %s leaves the existing model byte-identical and no temp file', async (step, reason) => {
    const path = join(dir, 'model.json');
    const before = serializeModel(sampleModel('rbf'));
    await writeFile(path, before);
    inject.step = step;
    const err = await writeModel(path, sampleModel('tanh', { scaling: true })).catch((e: unknown) => e);
    inject.step = null;
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(reason);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  it('a failed first write creates no file at all', async () => {
    inject.step = 'rename';
    await expect(writeModel(join(dir, 'model.json'), sampleModel())).rejects.toThrow(ModelError);
    inject.step = null;
    expect(await readdir(dir)).toEqual([]);
  });

  it('succeeds once the fault is gone (the injection itself is not the cause)', async () => {
    const path = join(dir, 'model.json');
    await writeModel(path, sampleModel('poly'));
    expect(await readFile(path, 'utf8')).toBe(serializeModel(sampleModel('poly')));
  });
});
