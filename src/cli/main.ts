/**
 * The entry point: parses argv with yargs and is the one place where a failure
 * becomes a message on stderr and an exit code (SPEC section 5).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BasisfitError, UsageError } from '../errors.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { gradCommand } from './grad.js';
import { plotCommand } from './plot.js';
import { predictCommand } from './predict.js';
import { traceCommand } from './trace.js';
import { trainCommand } from './train.js';

const argv = hideBin(process.argv);
const debug = argv.includes('--debug');

async function main(): Promise<void> {
  await yargs(argv)
    .scriptName('basisfit')
    .usage('$0 <command> FILE [options]\n\nFit f(x) = w·Φθ(x) + b to CSV data with adaptive basis functions.')
    .command(trainCommand)
    .command(predictCommand)
    .command(evalCommand)
    .command(gradCommand)
    .command(traceCommand)
    .command(plotCommand)
    .command(exportCommand)
    .option('json', { type: 'boolean', describe: 'print one JSON document on stdout, everything else on stderr', global: true })
    .option('color', { type: 'boolean', describe: 'colour on stderr/stdout (--no-color or NO_COLOR to turn off)', default: true, global: true })
    .option('debug', { type: 'boolean', describe: 'print stack traces of errors', global: true, hidden: true })
    .demandCommand(1, 'name a command: train, predict, eval, grad or trace')
    .recommendCommands()
    .strict()
    .parserConfiguration({ 'duplicate-arguments-array': true })
    .exitProcess(false)
    .fail((msg, err) => {
      if (err instanceof BasisfitError) throw err;
      throw new UsageError(msg ?? err?.message ?? 'bad usage', 'see basisfit --help');
    })
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 success, 1 failed run, 2 bad usage, 3 an --expect check failed, 130 interrupted.')
    .parseAsync();
}

main().catch((e: unknown) => {
  if (e instanceof BasisfitError) {
    process.stderr.write(`basisfit: error: ${e.describe()}\n`);
    if (e.hint) process.stderr.write(`  ${e.hint}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`basisfit: internal error: ${message}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('  this is a bug in basisfit; run again with --debug for the stack trace and report it\n');
  process.exitCode = 1;
});
