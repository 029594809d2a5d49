import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { PlotArgs } from '../run/plot.js';
import { fileArg, modelOption } from '../options.js';
import { outputPath, single } from '../options.js';


export const plotCommand: CommandModule<object, PlotArgs> = {
  command: 'plot <file>',
  describe: 'draw a model against labelled rows as SVG or PNG: the fit (or predicted vs actual and residuals) and the loss by epoch',
  builder: (y: Argv) =>
    y
      .positional('file', fileArg)
      .option('model', modelOption)
      .option('out', { type: 'string', default: 'fit.svg', describe: "image file to write (atomically); '-': standard output (not with --json)", coerce: single(outputPath('out')) })
      .option('format', { choices: ['svg', 'png'], describe: 'image format [default: png for an --out ending in .png, else svg]', coerce: single(String) })
      .option('delimiter', { type: 'string', describe: 'field delimiter of the input (default: detected)', coerce: single(String) })
      .example('$0 plot data/sinc.csv --model model.json --out fit.svg', 'data, fitted curve and basis functions')
      .example('$0 plot data/sinc.csv --model model.json --out fit.png', 'the same as a PNG image') as unknown as Argv<PlotArgs>,
  handler: async (argv: ArgumentsCamelCase<PlotArgs>) => {
    const { runPlot } = await import('../run/plot.js');
    await runPlot(argv);
  },
};
