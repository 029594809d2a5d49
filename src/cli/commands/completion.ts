import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

/**
 * `basisfit completion`: yargs' bash/zsh script, which calls `basisfit --get-yargs-completions`
 * (answered by yargs itself) as the user types. A command of our own rather than yargs'
 * `.completion()`, which prints the script even for `completion --help`.
 */
let parser: Argv | undefined;

/** The typings omit showCompletionScript's ($0, command) parameters. */
type ScriptPrinter = { showCompletionScript($0: string, cmd: string): void };

/**
 * yargs only prints the script (with console.log); under --json, where stdout holds one JSON
 * document (docs/contract.md section 2.1), the printed text is caught and becomes `script`.
 */
function completionScript(): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => {
    lines.push(parts.join(' '));
  };
  try {
    (parser as unknown as ScriptPrinter | undefined)?.showCompletionScript('basisfit', 'completion');
  } finally {
    console.log = log;
  }
  return `${lines.join('\n')}\n`;
}

export const completionCommand: CommandModule<object, { json?: boolean }> = {
  command: 'completion',
  describe: 'print a bash/zsh completion script for basisfit',
  builder: (y: Argv) => {
    parser = y;
    return y
      .example('$0 completion >> ~/.bashrc', 'complete commands and options in bash (open a new shell after)')
      .example('$0 completion >> ~/.zshrc', 'the same for zsh') as unknown as Argv<{ json?: boolean }>;
  },
  handler: async (argv: ArgumentsCamelCase<{ json?: boolean }>) => {
    if (argv.json) {
      const { printJson } = await import('../io.js');
      printJson({ script: completionScript() });
    } else (parser as unknown as ScriptPrinter | undefined)?.showCompletionScript('basisfit', 'completion');
  },
};
