/**
 * A tensor is a flat Float64Array with a shape, row-major. The engine's
 * bookkeeping (tape position, forward tangent) rides on the same object so
 * that every op sees one monomorphic class, whether its inputs are data,
 * parameters or intermediates.
 */
export class Tensor {
  readonly data: Float64Array;
  readonly shape: readonly number[];
  readonly size: number;
  /** Index on the active tape when this tensor depends on a tracked input (reverse mode). */
  node = -1;
  /** The tape that `node` refers to. */
  tape: object | null = null;
  /** d(this)/d(input) along the forward-mode direction; null means zero. */
  tangent: Float64Array | null = null;
  /** Set by an op whose kernel saw every value come out finite: apply() then skips its own scan for overflow. */
  finite = false;

  constructor(data: Float64Array, shape: readonly number[]) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new RangeError(`tensor data has ${data.length} values but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.data = data;
    this.shape = shape;
    this.size = size;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a tensor with one element. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item() needs one element, tensor has ${this.size}`);
    return this.data[0];
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  static scalar(v: number): Tensor {
    return new Tensor(Float64Array.of(v), []);
  }

  static zeros(shape: readonly number[]): Tensor {
    return new Tensor(new Float64Array(shapeSize(shape)), shape);
  }

  static vector(values: ArrayLike<number>): Tensor {
    return new Tensor(Float64Array.from(values), [values.length]);
  }

  /** Rows of equal length as an (R, C) matrix. */
  static matrix(rows: ArrayLike<number>[]): Tensor {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0].length;
    const data = new Float64Array(r * c);
    for (let i = 0; i < r; i++) {
      if (rows[i].length !== c) throw new RangeError(`matrix row ${i} has ${rows[i].length} values, expected ${c}`);
      data.set(rows[i], i * c);
    }
    return new Tensor(data, [r, c]);
  }

  /** A copy of the values only, detached from any tape or tangent. */
  detach(): Tensor {
    return new Tensor(this.data.slice(), this.shape.slice());
  }
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`bad dimension ${s} in shape [${shape.join(', ')}]`);
    n *= s;
  }
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
