import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { fileArg, modelOption } from './options.js';

export interface EvalArgs {
  file: string;
  model: string;
  json?: boolean;
  color: boolean;
  delimiter?: string;
}

export const evalCommand: CommandModule<object, EvalArgs> = {
  command: 'eval <file>',
  describe: "metrics (n, mse, rmse, mae, r2) of a model on labelled rows, in the target's units",
  builder: (y: Argv) =>
    y
      .positional('file', fileArg)
      .option('model', modelOption)
      .option('delimiter', { type: 'string', describe: 'field delimiter of the input (default: detected)' }) as unknown as Argv<EvalArgs>,
  handler: async (argv: ArgumentsCamelCase<EvalArgs>) => {
    const { loadModelInput } = await import('./model-input.js');
    const { predictRows } = await import('../train/predict.js');
    const { metrics } = await import('../train/metrics.js');
    const { channels, printJson } = await import('./io.js');
    const { metricsTable } = await import('../report/summary.js');
    const { model, table } = await loadModelInput(argv.file, argv.model, { requireTarget: true, delimiter: argv.delimiter });
    const m = metrics(predictRows(model, table.x, table.n), table.y!);
    if (argv.json) printJson(m);
    else {
      const io = channels({ color: argv.color });
      io.out(`${metricsTable([[table.file, m]], io.color).join('\n')}\n`);
    }
  },
};
