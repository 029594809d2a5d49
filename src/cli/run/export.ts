import { type ExportFormat, exportModel, foldModel } from '../../export/index.js';
import { fsReason } from '../../model/fs-errors.js';
import { loadModel, writeFileAtomic } from '../../model/index.js';
import { BasisfitError } from '../../errors.js';
import { channels, printJson } from '../io.js';
import { checkOutputs } from '../outputs.js';
import { printable } from '../../util/printable.js';

export interface ExportArgs {
  model: string;
  format: string;
  digits?: number;
  out?: string;
  json?: boolean;
  color: boolean;
}

export async function runExport(a: ExportArgs): Promise<void> {
  if (a.out !== undefined) await checkOutputs([{ flag: '--out', path: a.out, what: 'export' }], [{ what: 'model file', path: a.model }], { json: a.json });
  const model = await loadModel(a.model);
  const format = a.format as ExportFormat;
  const code = exportModel(model, format, { digits: a.digits });
  if (a.out !== undefined) {
    try {
      await writeFileAtomic(a.out, code);
    } catch (err) {
      throw new BasisfitError(`cannot write ${a.out}: ${fsReason(err)}`, { exitCode: 1, hint: 'choose an --out path in an existing, writable folder' });
    }
  }
  if (a.json) printJson({ format, ...(a.out !== undefined ? { out: a.out } : {}), code, folded: foldModel(model) });
  else if (a.out !== undefined && a.out !== '-') channels({ color: a.color }).out(`${format} written to ${printable(a.out)}\n`);
  else process.stdout.write(code);
}
