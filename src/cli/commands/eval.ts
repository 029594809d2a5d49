import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { EvalArgs } from '../run/eval.js';
import { fileArg, modelOption, single } from '../options.js';


export const evalCommand: CommandModule<object, EvalArgs> = {
  command: 'eval <file>',
  describe: "metrics (n, mse, rmse, mae, r2) of a model on labelled rows, in the target's units",
  builder: (y: Argv) =>
    y
      .positional('file', fileArg)
      .option('model', modelOption)
      .option('delimiter', { type: 'string', describe: 'field delimiter of the input (default: detected)', coerce: single(String) })
      .example('$0 eval data/sinc.csv --model model.json', 'n, mse, rmse, mae, r2 in the target\'s units')
      .example('$0 eval data/sinc.csv --model model.json --json | jq .rmse', 'one JSON document for scripts') as unknown as Argv<EvalArgs>,
  handler: async (argv: ArgumentsCamelCase<EvalArgs>) => {
    const { runEval } = await import('../run/eval.js');
    await runEval(argv);
  },
};
