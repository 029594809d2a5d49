import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { TraceArgs } from '../run/trace.js';
import { expressionArgument, single } from '../options.js';


export const traceCommand: CommandModule<object, TraceArgs> = {
  command: 'trace <expr>',
  describe: 'the execution trace (Wengert list) of an expression: values, forward tangents, reverse adjoints',
  builder: (y: Argv) =>
    y
      .positional('expr', { type: 'string', demandOption: true, describe: "expression with + - * / ^, sin cos exp log tanh, parentheses (one starting with '-': after --)", coerce: expressionArgument })
      .option('at', { type: 'string', demandOption: true, describe: 'the point, e.g. x1=1.5,x2=0.5', coerce: single(String) })
      .option('wrt', { type: 'string', describe: 'variable for the forward tangents (default: the first)', coerce: single(String) })
      .example('$0 trace "(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))" --at x1=1.5,x2=0.5', 'the course notes example') as unknown as Argv<TraceArgs>,
  handler: async (argv: ArgumentsCamelCase<TraceArgs>) => {
    const { runTraceCommand } = await import('../run/trace.js');
    await runTraceCommand(argv);
  },
};
