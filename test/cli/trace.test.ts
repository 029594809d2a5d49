/** `basisfit trace` on the course notes' worked example, checked against the derivatives written out by hand. */
import { describe, expect, it } from 'vitest';
import { describeRun, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';

const EXPR = '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))';
const X1 = 1.5;
const X2 = 0.5;

/** f = u·v with a = x1/x2, u = sin a + a − e^x2, v = a − e^x2. */
function reference(x1: number, x2: number) {
  const a = x1 / x2;
  const e = Math.exp(x2);
  const u = Math.sin(a) + a - e;
  const v = a - e;
  const da1 = 1 / x2;
  const da2 = -x1 / (x2 * x2);
  const du1 = (Math.cos(a) + 1) * da1;
  const du2 = (Math.cos(a) + 1) * da2 - e;
  const dv1 = da1;
  const dv2 = da2 - e;
  return { value: u * v, d1: du1 * v + u * dv1, d2: du2 * v + u * dv2 };
}

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

describe('trace', () => {
  it('--json: value, gradient and the forward tangent of the notes example', async () => {
    const r = await runCli(['trace', EXPR, '--at', `x1=${X1},x2=${X2}`, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<{ value: number; gradient: Record<string, number>; wrt: string; tangent: number; trace: { var: string; value: number }[] }>(r);
    const ref = reference(X1, X2);
    close(doc.value, ref.value);
    close(doc.gradient.x1, ref.d1);
    close(doc.gradient.x2, ref.d2);
    expect(doc.wrt).toBe('x1');
    close(doc.tangent, ref.d1);
    expect(doc.trace.slice(0, 2).map((row) => [row.var, row.value])).toEqual([
      ['x1', X1],
      ['x2', X2],
    ]);
  });

  it('--wrt x2 gives the tangent along x2', async () => {
    const r = await runCli(['trace', EXPR, '--at', `x1=${X1},x2=${X2}`, '--wrt', 'x2', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    close(parseJsonOutput<{ tangent: number }>(r).tangent, reference(X1, X2).d2);
  });

  it('an expression that does not parse is a usage error without a stack trace', async () => {
    const r = await runCli(['trace', 'x1*(x2', '--at', 'x1=1,x2=2']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/^basisfit: error: /);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toBe('');
  });
});
