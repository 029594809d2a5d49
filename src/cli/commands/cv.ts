import type { ArgumentsCamelCase, Argv, CommandModule, Options } from 'yargs';
import type { CvArgs, CollectArgs } from '../run/cv.js';
import { GRID_OPTIONS } from '../../cv/grid.js';
import { UsageError } from '../../errors.js';
import { fileArg, folderPath, outputPath, positiveInteger, single } from '../options.js';
import { trainOptions } from './train.js';

const CV = 'Cross-validation:';
/**
 * train options that make no sense per fit under cv: cv writes no model per fit (nor its
 * uncertainty), its workers take the cores, and a model to start from (--init) has been fitted
 * on the rows each fold holds out, so its scores would be no estimate of anything.
 */
const NOT_FOR_CV = new Set(['stream', 'threads', 'out', 'plot', 'report', 'timestamp', 'expect', 'bootstrap', 'init']);

/** train's option definitions, read by running its builder on a recorder instead of yargs. */
function trainOptionSpecs(): [string, Options][] {
  const specs: [string, Options][] = [];
  const recorder = {
    option(name: string, spec: Options) {
      specs.push([name, spec]);
      return recorder;
    },
  };
  trainOptions(recorder as unknown as Argv);
  return specs;
}

/**
 * A grid option: "a,b,c" (or the option repeated) is a list, each item checked
 * by train's own coerce and choices; yargs' choices check would see the whole list.
 */
function asList(name: string, spec: Options): Options {
  const { choices, coerce, default: dflt, ...rest } = spec;
  const each = coerce ?? ((v: unknown) => v);
  return {
    ...rest,
    type: 'string',
    ...(dflt === undefined ? {} : { default: dflt }),
    describe: `${spec.describe}${choices ? ` (${(choices as string[]).join('|')})` : ''}; a comma list makes a grid axis`,
    coerce: (v: unknown) => {
      const items = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim());
      if (items.some((s) => s === '')) throw new UsageError(`--${name} has an empty item in '${v}'`, `e.g. --${name} ${choices ? (choices as string[]).slice(0, 2).join(',') : '10,20'}`);
      const values = items.map((s) => {
        if (choices && !(choices as string[]).includes(s)) throw new UsageError(`invalid value '${s}' for --${name}: choose from ${(choices as string[]).join(', ')}`, `e.g. --${name} ${(choices as string[]).slice(0, 2).join(',')}`);
        return each(s);
      });
      const seen = new Set(values.map((x: unknown) => String(x)));
      if (seen.size !== values.length) throw new UsageError(`--${name} lists a value twice: '${v}'`, 'give each value once');
      return values;
    },
  };
}

function cvOptions(y: Argv): Argv {
  for (const [name, spec] of trainOptionSpecs()) {
    if (NOT_FOR_CV.has(name)) continue;
    y.option(name, (GRID_OPTIONS as readonly string[]).includes(name) ? asList(name, spec) : spec);
  }
  return y
    .option('folds', { group: CV, describe: 'K: folds of the data, each held out once', default: 5, coerce: single(positiveInteger('folds')) })
    .option('workers', { group: CV, describe: 'fits run at once, one per worker thread (default: the number of cores); the output does not depend on it', coerce: single(positiveInteger('workers')) })
    .option('shard', { group: CV, type: 'string', describe: 'run only tasks t with t mod N = i (0 <= i < N); default from JOB_COMPLETION_INDEX/JOB_COMPLETIONS; needs --results', coerce: single(String) })
    .option('results', { group: CV, type: 'string', describe: 'folder for one JSON line per finished fit; fits already there are skipped (resume)', coerce: single(folderPath('--results', '--results results/')) });
}

function choiceOptions(y: Argv): Argv {
  return y
    .option('refit', { group: CV, type: 'string', describe: 'train the chosen cell on all rows and write the model here', coerce: single(outputPath('refit')) })
    .option('choose', { group: CV, choices: ['best', '1se'], default: '1se', describe: 'which cell --refit trains: the best mean RMSE, or the simplest within one standard error of it', coerce: single(String) });
}

const collectCommand: CommandModule<object, CollectArgs> = {
  command: 'collect <dir>',
  describe: 'merge the result lines of a sharded run into its table or JSON document',
  builder: (y: Argv) =>
    choiceOptions(y.positional('dir', { type: 'string', describe: 'the --results folder', demandOption: true, coerce: folderPath('cv collect DIR', 'basisfit cv collect results/') }))
      .option('quiet', { type: 'boolean', describe: 'no progress output' })
      .example('$0 cv collect res/', 'the table of every shard written to res/')
      .example('$0 cv collect res/ --refit model.json', 'and train the chosen cell on all rows') as unknown as Argv<CollectArgs>,
  handler: async (argv: ArgumentsCamelCase<CollectArgs>) => {
    const { runCollect } = await import('../run/cv.js');
    await runCollect(argv);
  },
};

const runCommand: CommandModule<object, CvArgs> = {
  command: '$0 <file>',
  describe: 'K-fold cross-validation over a grid of train options',
  builder: (y: Argv) =>
    choiceOptions(cvOptions(y.positional('file', fileArg)))
      .example('$0 cv data/sinc.csv --folds 5 --basis rbf,tanh --units 10,20,40,80', '8 cells × 5 folds')
      .example('$0 cv data.csv --units 10,20 --shard 0/4 --results res/ && $0 cv collect res/ --json', 'one shard, then the merged document') as unknown as Argv<CvArgs>,
  handler: async (argv: ArgumentsCamelCase<CvArgs>) => {
    const { runCv } = await import('../run/cv.js');
    await runCv(argv);
  },
};

export const cvCommand: CommandModule = {
  command: 'cv',
  describe: 'cross-validate a grid of train options (K folds; shardable; see docs/cv.md)',
  builder: (y: Argv) => y.command(collectCommand).command(runCommand),
  handler: () => {},
};
