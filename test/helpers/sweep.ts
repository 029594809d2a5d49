/** What the CLI sweep tests share: a folder per case, a check that stderr is clean, a small fitted model. */
import { mkdirSync } from 'node:fs';
import { expect } from 'vitest';
import { type CliResult, describeRun, runCli, STACK_LINE } from './cli.js';
import { useTmpdir } from './tmp.js';

/** Few epochs, no progress: the sweeps test how a run ends, not how well it fits. */
export const QUICK = ['--epochs', '2', '--quiet'];

/** A temp folder for the test file, and a fresh subfolder per case (its cwd). */
export function useCaseDirs(prefix: string): { file(name: string): string; caseDir(): string } {
  const tmp = useTmpdir(prefix);
  let dirs = 0;
  return {
    file: tmp.file,
    caseDir() {
      const dir = tmp.file(`case-${++dirs}`);
      mkdirSync(dir);
      return dir;
    },
  };
}

/** No internal wording on stderr: stack lines, JavaScript error names or values printed as words. */
export function expectClean(r: CliResult): void {
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stderr).not.toMatch(/internal error|Error\b|Cannot read|\bundefined\b|\[object|\bInfinity\b|\bNaN\b|^ERROR|^WARN/m);
}

/** A 3-unit single model of dir's d.csv written to dir/m.json. */
export async function fitSmall(dir: string): Promise<void> {
  const fit = await runCli(['train', 'd.csv', '--units', '3', '--committee', '0', '--out', 'm.json', ...QUICK], { cwd: dir });
  expect(fit.code, describeRun(fit)).toBe(0);
}
