/** What a model-file check reports when a field is wrong, and how a check fails. */
export interface Problem {
  /** One line: the field path and what is wrong with it. */
  message: string;
  hint?: string;
  /** The problem is a NaN/Infinity/null where a number belongs (a diverged model, at write time). */
  nonFinite?: boolean;
}

export type Fail = (problem: Problem) => never;
