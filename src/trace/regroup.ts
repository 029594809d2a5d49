/**
 * Reassociation of sums so that a written-out difference can share a trace
 * variable with the same difference elsewhere. The course notes trace
 *   sin(x1/x2) + x1/x2 - exp(x2)
 * as v2 + v4 with v4 = v1 - v3, because (x1/x2 - exp(x2)) is also the second
 * factor: read left to right, the sum would need its own subtraction instead.
 *
 * Only left-associated chains are regrouped (a + b - c, never across a
 * parenthesis the user wrote), and only when the regrouped run exists as a
 * subtree somewhere else. Reassociation is exact algebra but not exact
 * floating point: results may differ from left-to-right evaluation in the
 * last bits.
 */
import { type Expr, numberKey } from './ast.js';

type Sign = '+' | '-';
type Binary = Extract<Expr, { kind: 'binary' }>;

interface Term {
  sign: Sign;
  expr: Expr;
  /** Column of the operator in front of the term (the first term's own column). */
  column: number;
}

const FUNCTIONS = { sin: Math.sin, cos: Math.cos, exp: Math.exp, log: Math.log, tanh: Math.tanh, sqrt: (x: number) => x ** 0.5 };

function isSum(e: Expr): e is Binary & { op: Sign } {
  return e.kind === 'binary' && (e.op === '+' || e.op === '-');
}

/**
 * Identity as the trace will see it, as small integers so that comparing runs
 * of a long sum stays cheap. The trace folds variable-free subtrees into
 * constants and shares rows by value, so 0 + x and (0 + 0) + x are one thing
 * here too; otherwise a regrouping could undo sharing the folding made.
 */
class Identities {
  private readonly ids = new Map<string, number>();
  private readonly ofNode = new WeakMap<Expr, number>();
  private readonly constants = new WeakMap<Expr, number | null>();

  intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.ids.size));
    return id;
  }

  /** The id of `left op right`. */
  combine(op: string, left: number, right: number): number {
    return this.intern(`${op}|${left}|${right}`);
  }

  /** The id of `left op right` if some node seen so far has it. */
  existing(op: string, left: number, right: number): number | undefined {
    return this.ids.get(`${op}|${left}|${right}`);
  }

  of(e: Expr): number {
    let id = this.ofNode.get(e);
    if (id !== undefined) return id;
    const c = this.constant(e);
    if (c !== null) id = this.intern(`#${numberKey(c)}`);
    else if (e.kind === 'variable') id = this.intern(`$${e.name}`);
    else if (e.kind === 'negate') id = this.combine('neg', this.of(e.operand), -1);
    else if (e.kind === 'call') id = this.combine(e.fn, this.of(e.argument), -1);
    else if (e.kind === 'binary') id = this.combine(e.op, this.of(e.left), this.of(e.right));
    else id = this.intern(`#${numberKey(e.value)}`);
    this.ofNode.set(e, id);
    return id;
  }

  /** The value of a subtree without variables (the formulas the engine uses), else null. */
  constant(e: Expr): number | null {
    const known = this.constants.get(e);
    if (known !== undefined) return known;
    const v = this.evaluate(e);
    this.constants.set(e, v);
    return v;
  }

  private evaluate(e: Expr): number | null {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'variable':
        return null;
      case 'negate': {
        const a = this.constant(e.operand);
        return a === null ? null : -a;
      }
      case 'call': {
        const a = this.constant(e.argument);
        return a === null ? null : FUNCTIONS[e.fn](a);
      }
      case 'binary': {
        const a = this.constant(e.left);
        const b = this.constant(e.right);
        if (a === null || b === null) return null;
        if (e.op === '+') return a + b;
        if (e.op === '-') return a - b;
        if (e.op === '*') return a * b;
        if (e.op === '/') return a / b;
        return a ** b;
      }
    }
  }
}

function countIds(e: Expr, ids: Identities, counts: Map<number, number>): void {
  const k = ids.of(e);
  counts.set(k, (counts.get(k) ?? 0) + 1);
  if (e.kind === 'negate') countIds(e.operand, ids, counts);
  else if (e.kind === 'call') countIds(e.argument, ids, counts);
  else if (e.kind === 'binary') {
    countIds(e.left, ids, counts);
    countIds(e.right, ids, counts);
  }
}

/** Terms t0 ± t1 ± … ± tn of a left-associated chain, and the chain's own sum nodes. */
function flatten(e: Expr, ids: Identities): { terms: Term[]; spine: Expr[] } {
  const spine: Expr[] = [];
  let cur = e;
  // A variable-free prefix is one folded constant to the trace, so one term here.
  while (isSum(cur) && ids.constant(cur) === null) {
    spine.push(cur);
    cur = cur.left;
  }
  const terms: Term[] = [{ sign: '+', expr: cur, column: cur.column }];
  for (let i = spine.length - 1; i >= 0; i--) {
    const s = spine[i] as Binary;
    terms.push({ sign: s.op as Sign, expr: s.right, column: s.column });
  }
  return { terms, spine };
}

/** Signs inside a run are taken relative to its first term: a - b + c = a - (b - c). */
function relativeSign(terms: Term[], i: number, k: number): Sign {
  return terms[k].sign === terms[i].sign ? '+' : '-';
}

/** terms[i..j] as one subtree. */
function group(terms: Term[], i: number, j: number): Expr {
  let acc = terms[i].expr;
  for (let k = i + 1; k <= j; k++) {
    acc = { kind: 'binary', op: relativeSign(terms, i, k), left: acc, right: terms[k].expr, column: terms[k].column };
  }
  return acc;
}

function regroupOnce(root: Expr, ids: Identities): Expr {
  const counts = new Map<number, number>();
  countIds(root, ids, counts);

  const rewrite = (e: Expr): Expr => {
    if (ids.constant(e) !== null) return e;
    switch (e.kind) {
      case 'number':
      case 'variable':
        return e;
      case 'negate':
        return { ...e, operand: rewrite(e.operand) };
      case 'call':
        return { ...e, argument: rewrite(e.argument) };
      case 'binary':
        if (isSum(e)) return rewriteChain(e);
        return { ...e, left: rewrite(e.left), right: rewrite(e.right) };
    }
  };

  const rewriteChain = (e: Expr): Expr => {
    const { terms: original, spine } = flatten(e, ids);
    const own = new Map<number, number>();
    for (const s of spine) own.set(ids.of(s), (own.get(ids.of(s)) ?? 0) + 1);
    // A run shared only with this chain's own partial sums would gain nothing.
    const elsewhere = (k: number) => (counts.get(k) ?? 0) > (own.get(k) ?? 0);

    const terms = original.map((t) => ({ ...t, expr: rewrite(t.expr) }));
    const termIds = terms.map((t) => ids.of(t.expr));
    let acc = terms[0].expr;
    let i = 1;
    while (i < terms.length) {
      // The longest run terms[i..j] that exists elsewhere, its id built one term at a
      // time; once a run is no node at all, no longer run can be one (it would be its left child).
      let best = -1;
      let id: number | undefined = termIds[i];
      for (let j = i + 1; j < terms.length && id !== undefined; j++) {
        id = ids.existing(relativeSign(terms, i, j), id, termIds[j]);
        if (id !== undefined && elsewhere(id)) best = j;
      }
      const right = best < 0 ? terms[i].expr : group(terms, i, best);
      acc = { kind: 'binary', op: terms[i].sign, left: acc, right, column: terms[i].column };
      i = best < 0 ? i + 1 : best + 1;
    }
    return acc;
  };

  return rewrite(root);
}

/**
 * Regroups until nothing changes: a regrouped run can itself expose another
 * shared run. Each pass only nests deeper, so this ends; the bound is a guard.
 */
export function regroupSums(root: Expr): Expr {
  const ids = new Identities();
  let cur = root;
  for (let pass = 0; pass < 16; pass++) {
    const next = regroupOnce(cur, ids);
    if (ids.of(next) === ids.of(cur)) return next;
    cur = next;
  }
  return cur;
}
