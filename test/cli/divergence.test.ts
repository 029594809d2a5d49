/**
 * A learning rate far too large: the trainer rolls back and halves the rates
 * (and says so on stderr); then it either recovers, or ends with stopped
 * "diverged", exit 1 and no model file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/index.js';
import { DATA_DIR, describeRun, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const SINC = join(DATA_DIR, 'sinc.csv');
const ROLLBACK = /rolled back .*halved the learning rates/;

const cases: [string, string[]][] = [
  ['tanh, validation split', ['--basis', 'tanh']],
  ['rbf, validation split', ['--basis', 'rbf']],
  ['rbf, no validation split', ['--basis', 'rbf', '--val-split', '0']],
];

describe.concurrent('train --optimizer sgd --lr 1e6', () => {
  it.each(cases)('%s', async (name, extra) => {
    const out = tmp.file(`${name.replace(/\W+/g, '_')}.json`);
    // Joint descent on w, b and θ: varpro (the default solver in memory) re-solves w exactly and need not blow up.
    const r = await runCli(['train', SINC, ...extra, '--solver', 'gd', '--optimizer', 'sgd', '--lr', '1e6', '--epochs', '50', '--json', '--out', out]);
    expect(r.stderr, describeRun(r)).toMatch(ROLLBACK);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const doc = parseJsonOutput<{ stopped: string; model: string | null }>(r);
    if (r.code === 0) {
      expect(doc.stopped).not.toBe('diverged');
      expect(parseModel(readFileSync(out, 'utf8'), out).w.every(Number.isFinite)).toBe(true);
    } else {
      expect(r.code, describeRun(r)).toBe(1);
      expect(doc.stopped).toBe('diverged');
      expect(doc.model).toBeNull();
      expect(existsSync(out)).toBe(false);
      expect(r.stderr).toMatch(/^basisfit: error: .*diverged/m);
    }
  });
});
