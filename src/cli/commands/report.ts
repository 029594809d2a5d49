import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { ReportArgs } from '../run/report.js';
import { fileArg, modelOption, outputPath, single } from '../options.js';

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <file>',
  describe: 'write a self-contained, interactive HTML report of a model on labelled rows: fit, basis functions, loss, diagnostics, parameters',
  builder: (y: Argv) =>
    y
      .positional('file', fileArg)
      .option('model', modelOption)
      .option('out', { type: 'string', default: 'report.html', describe: "HTML file to write (atomically); '-': standard output (not with --json)", coerce: single(outputPath('out')) })
      .option('delimiter', { type: 'string', describe: 'field delimiter of the input (default: detected)', coerce: single(String) })
      .option('timestamp', { type: 'boolean', default: true, describe: 'a line with the time of writing (--no-timestamp: the same inputs give the same bytes)' })
      .example('$0 report data/sinc.csv --model model.json --out report.html', 'open report.html in a browser; it needs no network')
      .example('$0 report data.csv --model model.json --no-timestamp', 'byte-identical reports for the same inputs, e.g. to commit') as unknown as Argv<ReportArgs>,
  handler: async (argv: ArgumentsCamelCase<ReportArgs>) => {
    const { runReport } = await import('../run/report.js');
    await runReport(argv);
  },
};
