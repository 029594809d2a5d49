/** Building the HTML report and writing it atomically: what `basisfit report` and `train --report` share. */
import { readFileSync } from 'node:fs';
import { BasisfitError } from '../../errors.js';
import { fsReason } from '../../model/fs-errors.js';
import { writeFileAtomic } from '../../model/index.js';
import { modelBand } from './uncertainty.js';
import { type ReportInput, reportData } from './data.js';
import { reportPage } from './page.js';
import { browserRuntimes } from './runtime.js';
import { reportSpecs } from './spec.js';

/** basisfit's own version, from the package.json two folders above this module (in src/ and in dist/ alike). */
export function basisfitVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export type ReportOptions = Omit<ReportInput, 'version' | 'timestamp' | 'interval'> & { timestamp: boolean };

export async function reportHtml(opts: ReportOptions): Promise<string> {
  const data = reportData({ ...opts, interval: modelBand(opts.model), version: basisfitVersion(), timestamp: opts.timestamp ? new Date().toISOString() : null });
  return reportPage({ data, charts: reportSpecs(data), runtimes: await browserRuntimes() });
}

/** Replaces `path` atomically with a rendered report. */
export async function writeReportFile(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (err) {
    throw new BasisfitError(`cannot write the report ${path}: ${fsReason(err)}`, { exitCode: 1, hint: 'choose a path in an existing, writable folder' });
  }
}

/** Renders first, then writes, so a failed report never leaves a partial file. */
export async function writeReport(path: string, opts: ReportOptions): Promise<void> {
  await writeReportFile(path, await reportHtml(opts));
}
