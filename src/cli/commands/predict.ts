import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { PredictArgs } from '../run/predict.js';
import { fileArg, modelOption, single } from '../options.js';


export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <file>',
  describe: 'predictions for each row: the input columns and a prediction column (CSV), or {"predictions": [...]}',
  builder: (y: Argv) =>
    y
      .positional('file', fileArg)
      .option('model', modelOption)
      .option('delimiter', { type: 'string', describe: 'field delimiter of the input (default: detected)', coerce: single(String) })
      .option('interval', {
        type: 'string',
        coerce: single(String),
        describe: 'add mean_ci_lower/upper and obs_ci_lower/upper at this level (0 < LEVEL < 1), e.g. 0.95',
      })
      .example('$0 predict new.csv --model model.json > predictions.csv', 'the input columns and a prediction column')
      .example('cat new.csv | $0 predict - --model model.json --json', '{"predictions": [...]} from standard input')
      .example('$0 predict new.csv --model model.json --interval 0.95', 'with 95% intervals for the mean and for new observations') as unknown as Argv<PredictArgs>,
  handler: async (argv: ArgumentsCamelCase<PredictArgs>) => {
    const { runPredict } = await import('../run/predict.js');
    await runPredict(argv);
  },
};
