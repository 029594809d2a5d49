/** Models, rows and SVG reading shared by the plot tests. */
import { DOMParser, type Element } from '@xmldom/xmldom';
import type { BasisName, ModelFile, Scaling } from '../../src/model/index.js';
import type { PlotRows } from '../../src/report/plot-data.js';

export function model(basis: BasisName, theta: number[][], w: number[], b: number, opts: { scaling?: Scaling | null; features?: string[]; history?: ModelFile['history']; bestEpoch?: number } = {}): ModelFile {
  const m: ModelFile = {
    format: 'basisfit-model',
    version: 1,
    basis,
    features: opts.features ?? ['x'],
    target: 'y',
    theta,
    w,
    b,
    scaling: opts.scaling ?? null,
    training: { seed: 1, epochs: opts.history?.train.length ?? 0, ...(opts.bestEpoch !== undefined ? { best_epoch: opts.bestEpoch } : {}) },
  };
  if (opts.history) m.history = opts.history;
  return m;
}

/** n labelled rows of D features from a deterministic, irregular sequence (no two x alike). */
export function rows(n: number, d: number, f: (x: number[]) => number, lo = -2, hi = 2): PlotRows {
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = Array.from({ length: d }, (_, k) => lo + (hi - lo) * frac((i + 1) * (0.6180339887 + 0.1 * k) + 0.31 * k));
    x.set(xi, i * d);
    y[i] = f(xi);
  }
  return { x, y, n };
}

function frac(v: number): number {
  return v - Math.floor(v);
}

export function parseSvg(svg: string) {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const all = (tag: string): Element[] => Array.from(doc.getElementsByTagName(tag));
  return {
    root: doc.documentElement!,
    /** The groups holding a named layer's marks (one per line series, one for all symbols). */
    layer(name: string): Element[] {
      return all('g').filter((g) => (g.getAttribute('class') ?? '').split(/\s+/).includes(`${name}_marks`));
    },
    texts(): string[] {
      return all('text').map((t) => t.textContent ?? '');
    },
  };
}

/** The element children of a mark group: one per drawn item. */
export function items(group: Element): Element[] {
  return Array.from(group.childNodes).filter((c): c is Element => c.nodeType === 1);
}

/** The translate(x, y) of a symbol. */
export function translate(el: Element): [number, number] {
  const m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(el.getAttribute('transform') ?? '');
  if (!m) throw new Error(`no translate in ${el.getAttribute('transform')}`);
  return [Number(m[1]), Number(m[2])];
}

/** The vertices of a polyline path "M x,y L x,y ...". */
export function vertices(path: Element): [number, number][] {
  const d = path.getAttribute('d') ?? '';
  return d
    .split(/[ML]/)
    .filter((s) => s.trim() !== '')
    .map((s) => s.split(',').map(Number) as [number, number]);
}
