/**
 * The one-way flow of docs/contract.md and README's architecture section,
 * checked on every CI run (npm run depcheck): no import cycles at all, and
 * no arrow against the flow CSV → table → basis → loss → tape → optimizer →
 * model / report / CLI.
 */
const folder = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'any import cycle, type-only imports included', from: {}, to: { circular: true } },
    {
      name: 'engine-is-self-contained',
      severity: 'error',
      comment: 'the AD engine imports only its own files and the error types',
      from: { path: folder('engine') },
      to: { path: '^src/', pathNot: ['^src/engine/', '^src/errors\\.ts$'] },
    },
    {
      name: 'basis-is-forward-only',
      severity: 'error',
      comment: 'a basis family is its forward computation: it never needs training, data loading, the CLI or reports',
      from: { path: folder('basis') },
      to: { path: ['^src/train/', '^src/data/', '^src/cli/', '^src/report/'] },
    },
    {
      name: 'only-the-cli-imports-the-cli',
      severity: 'error',
      from: { path: ['^src/train/', '^src/data/', '^src/model/', '^src/report/', '^src/basis/', '^src/export/', '^src/trace/'] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'training-does-not-report',
      severity: 'error',
      comment: 'whoever reports calls the reporters; the trainer returns numbers',
      from: { path: folder('train') },
      to: { path: '^src/report/' },
    },
    {
      name: 'models-do-not-train',
      severity: 'error',
      comment: 'prediction and metrics live with the model; the model never reaches back into training',
      from: { path: folder('model') },
      to: { path: '^src/train/' },
    },
    {
      name: 'commands-load-their-work-lazily',
      severity: 'error',
      comment: 'a yargs definition names its options; what the command does loads when it runs (type imports are fine)',
      from: { path: '^src/cli/commands/' },
      to: { path: '^src/cli/run/', dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
