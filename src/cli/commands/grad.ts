import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { GradArgs } from '../run/grad.js';
import { fileArg, modelOption, single } from '../options.js';


export const gradCommand: CommandModule<object, GradArgs> = {
  command: 'grad <file>',
  describe: "the loss L = ½·Σ(w·Φθ(x)+b−y)² and its gradient at the model's parameters",
  builder: (y: Argv) =>
    y
      .positional('file', fileArg)
      .option('model', modelOption)
      .option('mode', { choices: ['reverse', 'forward'], default: 'reverse', coerce: single(String), describe: 'reverse mode (one backward pass) or forward mode (one pass per parameter)' })
      .option('check', { type: 'boolean', describe: 'compare with central finite differences and report the largest relative error' })
      .option('delimiter', { type: 'string', describe: 'field delimiter of the input (default: detected)', coerce: single(String) })
      .example('$0 grad data/sinc.csv --model model.json --check', 'L and its gradient, checked against finite differences')
      .example('$0 grad data/sinc.csv --model model.json --mode forward --json', 'the same gradient by forward mode, as JSON') as unknown as Argv<GradArgs>,
  handler: async (argv: ArgumentsCamelCase<GradArgs>) => {
    const { runGrad } = await import('../run/grad.js');
    await runGrad(argv);
  },
};
