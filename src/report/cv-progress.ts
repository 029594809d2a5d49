/**
 * Progress of a cross-validation run on stderr: one bar for the whole grid
 * (fits done, fits left, ETA) on a terminal, a plain line every few seconds
 * otherwise, nothing when quiet.
 */
import type { ChalkInstance } from 'chalk';
import cliProgress from 'cli-progress';

export interface CvProgress {
  /** One more fit finished. */
  tick(): void;
  log(line: string): void;
  stop(): void;
}

export function createCvProgress(opts: { mode: 'bar' | 'lines' | 'none'; color: ChalkInstance; total: number; skipped: number }): CvProgress {
  const write = (l: string) => process.stderr.write(`${l}\n`);
  let done = opts.skipped;
  const total = opts.total;
  if (opts.mode === 'none' || total === 0) return { tick() {}, log: write, stop() {} };
  if (opts.mode === 'lines') {
    const start = Date.now();
    let last = start;
    const line = () => {
      const ran = done - opts.skipped;
      const rate = ran > 0 ? (Date.now() - start) / 1000 / ran : null;
      write(`cv: ${done}/${total} fits done, ${total - done} left${rate !== null && done < total ? `, ETA ${Math.round(rate * (total - done))}s` : ''}`);
    };
    return {
      tick() {
        done++;
        if (Date.now() - last >= 2000 || done === total) {
          last = Date.now();
          line();
        }
      },
      log: write,
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${opts.color.cyan('{bar}')} fits {value}/{total} | {left} left | ETA {eta_formatted}`,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, done, { left: total - done });
  return {
    tick() {
      done++;
      bar.update(done, { left: total - done });
    },
    log(l) {
      process.stderr.write('\r\x1b[K');
      write(l);
      bar.render();
    },
    stop() {
      bar.stop();
    },
  };
}
