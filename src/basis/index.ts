import { UsageError } from '../errors.js';
import type { BasisFamily, BasisName } from './family.js';
import { exp } from './exp.js';
import { poly } from './poly.js';
import { rbf } from './rbf.js';
import { tanh } from './tanh.js';

export type { BasisFamily, BasisName } from './family.js';

export const families: Readonly<Record<BasisName, BasisFamily>> = { poly, rbf, tanh, exp };
export const basisNames = Object.keys(families) as BasisName[];

export function basisFamily(name: string): BasisFamily {
  const f = (families as Record<string, BasisFamily | undefined>)[name];
  if (f === undefined || !Object.hasOwn(families, name)) {
    throw new UsageError(`unknown basis '${name}'`, `choose one of: ${basisNames.join(', ')}`);
  }
  return f;
}
