/**
 * cv's progress on stderr: on a terminal one bar for the whole grid (fits done,
 * fits left, ETA), run under script(1) for a pseudo-terminal; off a terminal plain
 * lines, the last one at the end of the grid.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ANSI, BIN, DATA_DIR, describeRun, runCli } from '../helpers/cli.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
const GRID = ['cv', `${DATA_DIR}sinc.csv`, '--basis', 'rbf', '--units', '5,10', '--folds', '3', '--workers', '2'];

describe('cv progress', () => {
  it.runIf(hasScript)('on a terminal: one bar over all 6 fits, counting up to 6/6 with fits left and an ETA', () => {
    const command = [process.execPath, BIN, ...GRID].map((a) => `'${a}'`).join(' ');
    const out = execFileSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    const frames = [...out.matchAll(/fits (\d+)\/(\d+) \| (\d+) left \| ETA \S+/g)].map((m) => ({ done: Number(m[1]), total: Number(m[2]), left: Number(m[3]) }));
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) {
      expect(f.total).toBe(6);
      expect(f.done + f.left).toBe(6);
    }
    expect(frames.at(-1)!.done).toBe(6);
    for (let i = 1; i < frames.length; i++) expect(frames[i].done).toBeGreaterThanOrEqual(frames[i - 1].done);
    expect(out).toMatch(/cv: 6 fits in [\d.]+s on 2 workers/);
  }, 70_000);

  it('off a terminal: plain lines, the last saying all fits are done and none left', async () => {
    const r = await runCli(GRID);
    expect(r.code, describeRun(r)).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('cv: ') && l.includes('fits done'));
    expect(lines.at(-1)).toBe('cv: 6/6 fits done, 0 left');
    expect(r.stderr).not.toMatch(ANSI);
  }, 70_000);
});
