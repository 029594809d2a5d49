/**
 * The entry point: parses argv with yargs and is the one place where a failure
 * becomes a message on stderr and an exit code (docs/contract.md section 5).
 */
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BasisfitError, UsageError } from '../errors.js';
import { fsReason } from '../model/fs-errors.js';
import { printable } from '../util/printable.js';
import { assertOptionValues, EXPRESSION_MARK, type ParsedOptions, STDIN_TOKEN, takeCoerceError } from './options.js';
import { exitOnSignals } from './signals.js';
import { suggestion } from './suggest.js';
import { completionCommand } from './commands/completion.js';
import { cvCommand } from './commands/cv.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { gradCommand } from './commands/grad.js';
import { plotCommand } from './commands/plot.js';
import { predictCommand } from './commands/predict.js';
import { reportCommand } from './commands/report.js';
import { traceCommand } from './commands/trace.js';
import { trainCommand } from './commands/train.js';

// biome-ignore lint/suspicious/noExplicitAny: yargs' command modules differ in their argument types.
const COMMANDS: CommandModule<object, any>[] = [trainCommand, predictCommand, evalCommand, gradCommand, traceCommand, plotCommand, exportCommand, cvCommand, reportCommand, completionCommand];

const argv = traceExpressionArgs(hideBin(process.argv).map((a) => (a === '-' ? STDIN_TOKEN : a)));
const debug = argv.includes('--debug');
/** yargs answering the completion script: the line being typed may well end in an option still without its value. */
const completing = argv.includes('--get-yargs-completions');

/** See assertOptionValues; `cli` holds the options of the command being parsed. */
function checkOptionValues(cli: unknown): void {
  if (!completing) assertOptionValues(argv, (cli as { getOptions(): ParsedOptions }).getOptions(), helpFor());
}

/**
 * A reader that goes away (`basisfit predict big.csv | head`) is no error of ours: exit
 * quietly with 141, what a shell reports for a classic tool killed by SIGPIPE (Node
 * ignores the signal and reports EPIPE instead). Any other failure of stdout or stderr
 * (ENOSPC on `> /dev/full`) is one line on stderr, if stderr still works, and exit 1.
 */
function guardStreams(): void {
  const onError = (name: string) => (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    if (name === 'standard output') {
      try {
        process.stderr.write(`basisfit: error: cannot write to ${name}: ${fsReason(err)}\n`);
      } catch {
        // stderr is gone too: the exit code is all that is left.
      }
    }
    process.exit(1);
  };
  process.stdout.on('error', onError('standard output'));
  process.stderr.on('error', onError('standard error'));
}

async function main(): Promise<void> {
  guardStreams();
  exitOnSignals();
  // At a failure this instance holds the options of the command being parsed, which the typo suggestions draw from.
  const cli = yargs(argv);
  skipHelpCache(cli, argv);
  await cli
    .scriptName('basisfit')
    .usage('$0 <command> FILE [options]\n\nFit f(x) = w·Φθ(x) + b to CSV data with adaptive basis functions.')
    .command(COMMANDS)
    .option('json', { type: 'boolean', describe: 'print one JSON document on stdout, everything else on stderr', global: true })
    .option('color', { type: 'boolean', describe: 'colour on stderr/stdout (--no-color or NO_COLOR to turn off)', default: true, global: true })
    .option('debug', { type: 'boolean', describe: 'print stack traces of errors', global: true, hidden: true })
    .demandCommand(1, 'name a command: train, predict, eval, grad, trace, plot, export, cv, report or completion')
    .recommendCommands()
    .strict()
    // Values stay strings for the coerce functions: yargs-parser takes a parsed number 1 for a
    // counter's increment, so `--restarts 3 --restarts 1` became 4 instead of the last value.
    .parserConfiguration({ 'duplicate-arguments-array': true, 'parse-numbers': false, 'parse-positional-numbers': false })
    .exitProcess(false)
    // Before validation, so that `--lr --quiet` is named as such and not as whatever yargs made of it.
    .middleware(() => checkOptionValues(cli), true)
    .fail((msg, err) => {
      if (err instanceof BasisfitError && !(err instanceof UsageError)) throw err;
      // A coerce function that choked on yargs' stand-in for a missing value ('true', '') reports the missing value.
      checkOptionValues(cli);
      if (err instanceof BasisfitError) throw err;
      const text = msg ?? err?.message;
      throw takeCoerceError(text) ?? new UsageError(oneLine(text ?? 'bad usage', knownOptions(cli as unknown as OptionSource)), `see ${helpFor()}`);
    })
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .example('$0 train data/sinc.csv --basis rbf --report report.html', 'fit, write model.json and an HTML report')
    .example('$0 predict new.csv --model model.json > predictions.csv', 'predict with the model')
    .example('$0 <command> --help', 'the options and examples of one command')
    .epilogue('Exit codes: 0 success, 1 failed run, 2 bad usage, 3 an --expect check failed, 130 interrupted, 141 stdout closed by its reader.')
    .parseAsync();
}

/**
 * yargs formats a command's whole help text before running it, in case the handler asks for
 * it later (cacheHelpMessage): 80 ms of every run (string widths, wrapping), for a text that
 * is shown only with --help, where it is formatted anyway. Internal API, so only when it is
 * there; without it yargs caches as before.
 */
function skipHelpCache(cli: unknown, args: readonly string[]): void {
  if (args.some((a) => a === '--help' || a === '-h')) return;
  const usage = (cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * `basisfit trace "-x1^2"`: yargs would read the expression as a cluster of short options.
 * After `--`, or when it holds a character no option name has (an operator, a parenthesis,
 * a space), an argument of trace is the expression: it is marked so yargs takes it as the
 * positional (the command strips the mark).
 */
function traceExpressionArgs(args: string[]): string[] {
  if (args[0] !== 'trace') return args;
  const out = [args[0]];
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--' && i + 1 < args.length) {
      out.push(...args.slice(i + 1).map((rest) => EXPRESSION_MARK + rest));
      break;
    }
    const previous = args[i - 1];
    const isValue = previous === '--at' || previous === '--wrt';
    out.push(!isValue && /^-[^-]/.test(a) && /[\s()*/^+.]/.test(a) ? EXPRESSION_MARK + a : a);
  }
  return out;
}

/** The long option names of the command being parsed (yargs' keys include aliases and camel-cased copies). */
interface OptionSource {
  getOptions(): { key: Record<string, unknown> };
}

function knownOptions(y: OptionSource): string[] {
  const keys = Object.keys(y.getOptions().key ?? {});
  return keys.filter((k) => k.length > 1 && !/[A-Z]/.test(k) && k !== '$0');
}

/** The help that lists the options of the command being parsed, or the top-level help. */
function helpFor(): string {
  const names = COMMANDS.map((c) => String(c.command).split(' ')[0]);
  return names.includes(argv[0]) ? `basisfit ${argv[0]} --help` : 'basisfit --help';
}

/** yargs' own messages run over several lines; an error here is one line and a hint. */
function oneLine(message: string, known: string[] = []): string {
  const choice = /Argument: (\S+), Given: (.*?), Choices: (.*)/s.exec(message);
  if (choice) return `invalid value ${choice[2].trim()} for --${choice[1]}: choose one of ${choice[3].trim()}`;
  const command = /^Did you mean (\S+)\?/.exec(message.trim());
  if (command) return `unknown command '${argv[0]}': did you mean ${command[1]}?`;
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message.trim());
  if (unknown) {
    const names = unknown[1].split(',').map((n) => n.trim());
    // yargs lists each dashed name twice, once camel-cased.
    const kebab = names.filter((n) => !/[A-Z]/.test(n) || !names.includes(n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
    const given = (n: string) => argv.some((a) => a === `-${n}` || a === `--${n}` || a.startsWith(`--${n}=`));
    // yargs reads --no-x as x = false and reports the unknown 'x': name the option as typed.
    const negated = (n: string) => !given(n) && argv.some((a) => a === `--no-${n}` || a.startsWith(`--no-${n}=`));
    const asOption = (n: string) => given(n) || negated(n) || argv.some((a) => a.startsWith(`--${n}`));
    const long = (n: string) => argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`));
    const typed = (n: string) => (negated(n) ? `--no-${n}` : n.length === 1 && !long(n) ? `-${n}` : `--${n}`);
    const options = kebab.filter(asOption).map((n) => {
      const near = n.length > 1 ? suggestion(n, known) : null;
      return near ? `${typed(n)} (did you mean ${negated(n) ? `--no-${near}` : `--${near}`}?)` : typed(n);
    });
    const extra = kebab.filter((n) => !asOption(n)).map((n) => `'${n}'`);
    return [options.length > 0 ? `unknown option ${options.join(', ')}` : '', extra.length > 0 ? `unexpected argument ${extra.join(', ')}` : '']
      .filter((p) => p !== '')
      .join('; ');
  }
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** A message quotes option values as parsed: a lone '-' among them is shown as the user typed it, not as the token standing for it. */
function asTyped(text: string): string {
  // Also as JSON.stringify quotes it.
  return text.replaceAll(STDIN_TOKEN, '-').replaceAll(JSON.stringify(STDIN_TOKEN).slice(1, -1), '-');
}

main().catch((e: unknown) => {
  if (e instanceof BasisfitError) {
    // Messages quote header names and paths from the user's files: escape any control
    // characters. Newlines stay: a message may show an expression with a caret under it.
    process.stderr.write(`basisfit: error: ${printable(asTyped(e.describe()), { keepNewlines: true })}\n`);
    if (e.hint) process.stderr.write(`  ${printable(asTyped(e.hint))}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`basisfit: internal error: ${printable(message)}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('  this is a bug in basisfit; run again with --debug for the stack trace and report it\n');
  process.exitCode = 1;
});
