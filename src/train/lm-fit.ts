/**
 * --solver lm: Levenberg–Marquardt (src/solve/lm.ts) on the variable-
 * projection problem (projection.ts). The solver sees a residual norm and a
 * linearisation; this file is the glue to the trainer's contract: the start
 * (start.ts, as the other solvers choose it), one epoch per LM iteration in
 * the history and progress, validation, interruption, and a FitOutcome in
 * the model file's layout.
 *
 * Which iterate is kept: LM converges, so the final iterate is the answer,
 * except where validation rows say otherwise. With a validation split and
 * patience, every iteration (the start counting as iteration 0) is scored on
 * the validation rows exactly as gd and varpro score epochs, the best one is
 * kept, and `patience` iterations without improvement stop the run
 * ('early-stop'). Without validation rows, or with --patience 0, the final
 * iterate is kept. `stopped` is 'early-stop' also when LM converged (it
 * stopped before --epochs because more iterations cannot help), 'max-epochs'
 * when the --epochs cap ended it; `convergence` says which test fired.
 */
import { Tensor } from '../engine/index.js';
import { type Convergence, DEFAULT_TOL, type LmTests, levenbergMarquardt } from '../solve/lm.js';
import type { Rng } from '../util/rng.js';
import type { Dataset, FitOptions, FitOutcome, StopReason } from './types.js';
import { modelTheta } from './objective.js';
import { EpochLog, packedUnits } from './params.js';
import { CHUNK_ROWS } from './chunked.js';
import { createBlockRunner } from './parallel.js';
import { projectedProblem } from './projection.js';
import { meanSquaredError } from './validation.js';
import { searchedStart, searchStart, startSelection } from './start.js';

const YIELD_MS = 50;

/** Convergence tests after which the final iterate is a converged one (not a cap or an interruption). */
const CONVERGED: ReadonlySet<Convergence> = new Set(['relative-reduction', 'step', 'reduction-and-step', 'gradient', 'zero-residual', 'ftol-too-small', 'xtol-too-small', 'gtol-too-small']);

/** An lm run that ended on a convergence test (not the epoch cap or the validation verdict): a stationary point. */
export function lmConverged(convergence: string | undefined): boolean {
  return convergence !== undefined && CONVERGED.has(convergence as Convergence);
}

/** The start (as the other solvers choose it) and the projected problem from it. */
async function lmProblem(X: Tensor, y: Float64Array, opts: FitOptions, rng: Rng) {
  const { family } = opts;
  const start = await searchStart(searchedStart(family, X, y, opts, rng), opts);
  const ridge = opts.ridge === 'auto' ? start.lambda : opts.ridge;
  const raw0 = start.theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const shapes = raw0.map((t) => t.shape);
  // Threads only where there is more than one block of rows to share.
  const blocks = X.shape[0] > CHUNK_ROWS ? createBlockRunner(family, opts.threads ?? 1, shapes) : null;
  const problem = projectedProblem(
    family,
    X,
    y,
    shapes,
    { ridge, intercept: opts.intercept ?? true, blocks: blocks ?? undefined },
  );
  return { start, ridge, problem, x0: problem.flatten(raw0), blocks };
}

/**
 * How the run ended. A convergence test wins over the validation verdict of
 * the same iteration; 'validation' names an early stop LM did not ask for.
 */
function verdict(stop: StopReason | null, convergence: Convergence): { stopped: StopReason; convergence: string } {
  const converged = CONVERGED.has(convergence);
  // A Jacobian that cannot be computed ends the run as a converged one does: more epochs cannot help.
  const ended = converged || convergence === 'not-finite';
  const stopped: StopReason = stop === 'interrupted' ? 'interrupted' : ended || stop === 'early-stop' ? 'early-stop' : 'max-epochs';
  return { stopped, convergence: ended || stop !== 'early-stop' ? convergence : 'validation' };
}

export async function fitLm(train: Dataset, validation: Dataset | null, opts: FitOptions, rng: Rng): Promise<FitOutcome> {
  const { family } = opts;
  const d = train.d;
  const intercept = opts.intercept ?? true;
  const X = family.prepare(new Tensor(train.x, [train.n, d]));
  const XV = validation ? family.prepare(new Tensor(validation.x, [validation.n, d])) : null;
  const t0 = performance.now();

  const { start, ridge, problem, x0, blocks } = await lmProblem(X, train.y, opts, rng);

  /** The model at θ (flat, raw): w, b solved exactly, and its training MSE. */
  const at = (x: Float64Array) => {
    const s = problem.solve(x);
    return { s, trainMse: s.rss / train.n, state: [Float64Array.from(s.w), Float64Array.of(s.b), Float64Array.from(x)] };
  };
  const validationMse = (x: Float64Array, w: Float64Array, b: number): number | null =>
    XV && validation ? meanSquaredError(family, { w: new Tensor(w, [w.length]), b: Tensor.scalar(b), raw: problem.tensors(x) }, XV, validation.y) : null;

  const first = Number.isFinite(problem.residualNorm(x0)) ? at(x0) : null;
  // What is returned if nothing better comes: the start (zeros for w, b when even it is not finite).
  let latest = first?.state ?? [new Float64Array(start.theta[0].shape[0]), new Float64Array(1), x0];
  const validating = XV !== null && opts.patience !== null;
  const startLoss = validating && first ? (validationMse(x0, first.s.w, first.s.b) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  const log = new EpochLog(validation !== null, startLoss, latest);
  if (first === null) {
    opts.onWarning?.('the start is not finite (its basis functions overflow on the training rows): nothing for LM to do');
    return outcome(null, 'diverged', undefined);
  }
  if (first.s.rank < first.s.w.length + (intercept ? 1 : 0)) {
    opts.onWarning?.(`the start's linear part is rank-deficient (rank ${first.s.rank} of ${first.s.w.length + (intercept ? 1 : 0)}) without a ridge: w is a basic least-squares solution`);
  }
  let stop: StopReason | null = null;
  let lastYield = Date.now();
  let lastTests: LmTests | undefined;
  const tol = opts.tol ?? DEFAULT_TOL;

  const result = await levenbergMarquardt(problem, x0, {
    ftol: tol,
    xtol: tol,
    maxIterations: opts.epochs,
    onIteration: async (it) => {
      lastTests = it.tests ?? lastTests;
      const now = at(it.x);
      latest = now.state;
      const val = validationMse(it.x, now.s.w, now.s.b);
      stop = log.close(it.iteration, now.trainMse, val, () => now.state, opts);
      if (Date.now() - lastYield > YIELD_MS) {
        // Let signal handlers and the progress display run.
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
      if (stop === null && opts.shouldStop?.()) stop = 'interrupted';
      return stop !== null;
    },
  });
  const { convergence } = result;
  if (convergence === 'max-iterations' || convergence === 'max-evaluations') {
    opts.onWarning?.(notConverged(result.iterations, convergence, lastTests, tol, validation === null));
  } else if (convergence === 'not-finite') {
    opts.onWarning?.(`lm stopped after ${result.iterations} iterations: the basis functions' derivatives overflow near the fit (try --ridge, or fewer --units)`);
  }
  const v = verdict(stop, convergence);
  return outcome(result.iterations, v.stopped, v.convergence);

  function outcome(iterations: number | null, stopped: StopReason, convergence: string | undefined): FitOutcome {
    void blocks?.close();
    const epochs = iterations ?? 0;
    let state = latest;
    if (validating && (log.best.epoch > 0 || Number.isFinite(log.best.loss))) state = log.best.state;
    else log.best.epoch = epochs;
    const [w, b, x] = state;
    const val = validationMse(x, w, b[0]);
    return {
      ...packedUnits(family, modelTheta(family, problem.tensors(x)), w, d),
      b: b[0],
      epochs,
      bestEpoch: log.best.epoch,
      stopped,
      history: log.history,
      trainSeconds: (performance.now() - t0) / 1000,
      recoveries: 0,
      ridge,
      initScale: start.scale,
      selection: startSelection(start),
      selectionLoss: val ?? log.history.train.at(-1) ?? Number.NaN,
      convergence,
    };
  }
}

/**
 * A capped run is nearer to converging than the caps let it get, within this factor of
 * --tol: loosening --tol would have ended it as converged.
 */
const NEAR_TOL = 100;

/**
 * Why a run the caps ended had not converged, from its last step's test quantities:
 * "raise --epochs, or loosen --tol" is the remedy only near --tol. An over-parameterised rbf
 * fit of sinc without validation rows (40 units) still lowers ‖f‖² by 1.5·10⁻⁴ per iteration
 * at the 300th, its units narrowing onto single rows: there is no minimiser for it to reach.
 */
function notConverged(iterations: number, convergence: Convergence, t: LmTests | undefined, tol: number, noValidation: boolean): string {
  const head = `lm did not converge in ${iterations} iterations (${convergence})`;
  if (!t) return `${head}: raise --epochs`;
  const num = (v: number) => v.toExponential(1);
  const measured = `its last step lowered the sum of squares by ${num(t.reduction)} of itself (predicted ${num(t.predicted)}) and moved the parameters by ${num(t.step)} of their scaled size, against --tol ${num(tol)}`;
  if (Math.max(t.reduction, t.predicted) <= NEAR_TOL * tol || t.step <= NEAR_TOL * tol) return `${head}: ${measured}, close to converging: raise --epochs, or loosen --tol`;
  const why = noValidation
    ? '; without validation rows an over-parameterised fit may have no minimiser to converge to (rbf units narrowing onto single rows): --val-split keeps the best-validated iteration, or try fewer --units'
    : '';
  return `${head}: ${measured}, still improving: raise --epochs${why}`;
}
