import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ExportArgs } from '../run/export.js';
import { UsageError } from '../../errors.js';
import { modelOption } from '../options.js';
import { outputPath, positiveInteger, single } from '../options.js';


// The formats are listed here rather than imported so that --help does not load the exporter.
const FORMATS = ['text', 'latex', 'js'];

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export',
  describe: 'write the fitted function out (scaling folded in) as a text formula, LaTeX or a JavaScript module',
  builder: (y: Argv) =>
    y
      .option('model', modelOption)
      .option('format', { choices: FORMATS, default: 'text', describe: 'text: a plain formula; latex: an aligned equation; js: an ES module exporting predict(row)', coerce: single(String) })
      .option('digits', { describe: 'significant digits of each number (default: all it takes to reproduce the model exactly)', coerce: single(digits) })
      .option('out', { type: 'string', describe: 'write to this file (atomically) instead of standard output', coerce: single(outputPath('out')) })
      .example('$0 export --model model.json --format js --out model.mjs', 'then: import { predict } from "./model.mjs"')
      .example('$0 export --model model.json --format latex --digits 4', 'for a paper') as unknown as Argv<ExportArgs>,
  handler: async (argv: ArgumentsCamelCase<ExportArgs>) => {
    const { runExport } = await import('../run/export.js');
    await runExport(argv);
  },
};

function digits(v: unknown): number {
  const n = positiveInteger('digits', 6)(v);
  if (n > 17) throw new UsageError(`--digits must be at most 17, got ${n}`, 'a double has at most 17 significant digits; leave --digits out for exact numbers');
  return n;
}
