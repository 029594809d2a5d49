import type { Argv, CommandModule } from 'yargs';

/**
 * `basisfit completion`: yargs' bash/zsh script, which calls `basisfit --get-yargs-completions`
 * (answered by yargs itself) as the user types. A command of our own rather than yargs'
 * `.completion()`, which prints the script even for `completion --help`.
 */
let parser: Argv | undefined;

export const completionCommand: CommandModule = {
  command: 'completion',
  describe: 'print a bash/zsh completion script for basisfit',
  builder: (y: Argv) => {
    parser = y;
    return y
      .example('$0 completion >> ~/.bashrc', 'complete commands and options in bash (open a new shell after)')
      .example('$0 completion >> ~/.zshrc', 'the same for zsh');
  },
  handler: () => {
    // The typings omit showCompletionScript's ($0, command) parameters.
    (parser as unknown as { showCompletionScript($0: string, cmd: string): void } | undefined)?.showCompletionScript('basisfit', 'completion');
  },
};
