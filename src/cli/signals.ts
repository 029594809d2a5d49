/**
 * Signals outside training (which handles its own, see run/train.ts): exit with the
 * shell's 128 + signal number, through process.exit so the 'exit' hook of model/write.ts
 * removes the temp file of a write in progress rather than leaving `.bf-*.tmp` behind.
 */
const EXIT_CODES = { SIGINT: 130, SIGHUP: 129, SIGTERM: 143 } as const;

export function exitOnSignals(): void {
  for (const [signal, code] of Object.entries(EXIT_CODES)) {
    process.on(signal, () => {
      // Another listener (train's) decides for itself.
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
}
