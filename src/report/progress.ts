/**
 * Training progress on stderr: a live cli-progress bar on a terminal, a plain
 * line at most every few seconds otherwise (logs, CI), nothing when quiet.
 */
import type { ChalkInstance } from 'chalk';
import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  epoch: number;
  epochs: number;
  trainLoss: number | null;
  validationLoss: number | null;
  restart: number;
  restarts: number;
  /** What `epoch` counts, when not epochs (e.g. 'bootstrap refit'). */
  unit?: string;
}

export interface Progress {
  update(u: ProgressUpdate): void;
  /** A line (warning) that must not be torn by the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  mode: 'bar' | 'lines' | 'none';
  color: ChalkInstance;
  /** Minimum seconds between plain lines. */
  intervalSeconds?: number;
  write?: (line: string) => void;
}

/** RMSE from an MSE, for display. */
function rmse(mse: number | null): string {
  return mse === null ? '-' : Math.sqrt(mse).toPrecision(4);
}

export function createProgress(opts: ProgressOptions): Progress {
  const write = opts.write ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (opts.mode === 'none') return { update() {}, log: write, stop() {} };
  if (opts.mode === 'lines') return linesProgress(write, opts.intervalSeconds ?? 2);
  return barProgress(opts.color, write);
}

function linesProgress(write: (l: string) => void, interval: number): Progress {
  const start = Date.now();
  let last = 0;
  let lastUnit: string | undefined;
  let pending: ProgressUpdate | null = null;
  const emit = (u: ProgressUpdate) => {
    const elapsed = (Date.now() - start) / 1000;
    const restart = u.restarts > 1 ? `start ${u.restart}/${u.restarts}  ` : '';
    write(`${restart}${u.unit ?? 'epoch'} ${u.epoch}/${u.epochs}  train rmse ${rmse(u.trainLoss)}  val rmse ${rmse(u.validationLoss)}  ${elapsed.toFixed(1)}s`);
    pending = null;
  };
  return {
    update(u) {
      pending = u;
      const now = Date.now();
      // A new kind of count (the start search, then epochs) shows at once: its first line says it began.
      if (now - last >= interval * 1000 || u.unit !== lastUnit) {
        lastUnit = u.unit;
        last = now;
        emit(u);
      }
    },
    log: write,
    stop() {
      if (pending) emit(pending);
    },
  };
}

function barProgress(color: ChalkInstance, write: (l: string) => void): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${color.cyan('{bar}')} {prefix}{unit} {value}/{total} | train rmse {train} | val rmse {val} | ETA {eta_formatted}`,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let unit: string | undefined;
  return {
    update(u) {
      const payload = { train: rmse(u.trainLoss), val: rmse(u.validationLoss), prefix: u.restarts > 1 ? `start ${u.restart}/${u.restarts} ` : '', unit: u.unit ?? 'epoch' };
      if (!started) {
        bar.start(u.epochs, u.epoch, payload);
        started = true;
      } else if (u.epoch === 1 || u.unit !== unit) {
        // A new start, or the start search giving way to epochs (or back): the count starts over.
        bar.setTotal(u.epochs);
        bar.update(u.epoch, payload);
      } else bar.update(u.epoch, payload);
      unit = u.unit;
    },
    log(line) {
      if (started) {
        // Clear the bar's line, print, and let the bar redraw below.
        process.stderr.write('\r\x1b[K');
        write(line);
        bar.render();
      } else write(line);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
