/**
 * Strided iteration for broadcasting kernels (binary, where, expand, permute, slice).
 *
 * Every operand is described by strides over the OUTPUT's shape (0 on a broadcast dim). Adjacent dims
 * that are contiguous for every operand are merged first, so `(4,8) + (4,8)` runs as one row of 32,
 * and `(4,8) + (8)` as 4 rows of 8 with b's row stride 0. Then `forEachRow` walks the outer dims with
 * an odometer and hands each row's start offsets to a callback that runs a tight inner loop.
 *
 * Worked example: out (2,3), a (2,3) strides [3,1], b (3) → strides [0,1]:
 * rows: offsets a=0,b=0 then a=3,b=0; inner length 3, inner strides a=1, b=1.
 */

/** Strides of a tensor of `inShape` read as if broadcast to `outShape` (0 where it stretches). */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const r = outShape.length;
  const out = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const d = inShape[i]!;
    const o = r - inShape.length + i;
    out[o] = d === 1 ? 0 : acc;
    acc *= d;
  }
  return out;
}

/** An iteration space after merging dims. */
export interface StridedPlan {
  /** Outer dims (all but the innermost), possibly empty. */
  outer: number[];
  /** Per operand, strides of the outer dims. */
  outerStrides: number[][];
  /** Length of the innermost row. */
  inner: number;
  /** Per operand, stride along the innermost row. */
  innerStrides: number[];
}

/**
 * Merges dims of `shape` that are contiguous for every operand, then splits off the innermost.
 * `strides[k]` are operand k's strides over `shape`.
 */
export function planStrided(shape: readonly number[], strides: readonly (readonly number[])[]): StridedPlan {
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 1) continue; // size-1 dims never move an offset
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k]![last] === s[i]! * d)) {
      dims[last] = dims[last]! * d;
      for (let k = 0; k < strides.length; k++) st[k]![last] = strides[k]![i]!;
    } else {
      dims.push(d);
      for (let k = 0; k < strides.length; k++) st[k]!.push(strides[k]![i]!);
    }
  }
  if (dims.length === 0) {
    return {
      outer: [],
      outerStrides: strides.map(() => []),
      inner: shape.includes(0) ? 0 : 1,
      innerStrides: strides.map(() => 0),
    };
  }
  const inner = dims.pop()!;
  const innerStrides = st.map((s) => s.pop()!);
  return { outer: dims, outerStrides: st, inner, innerStrides };
}

/**
 * Calls `row(offsets)` once per innermost row; `offsets[k]` is operand k's start offset (the array is
 * reused between calls: read it, don't keep it). Nothing is called for an empty tensor.
 */
export function forEachRow(plan: StridedPlan, row: (offsets: number[]) => void): void {
  const { outer, outerStrides } = plan;
  const nOps = outerStrides.length;
  const offsets = new Array<number>(nOps).fill(0);
  if (plan.inner === 0 || outer.includes(0)) return;
  const r = outer.length;
  const idx = new Array<number>(r).fill(0);
  for (;;) {
    row(offsets);
    // odometer: increment the last outer dim, carrying leftwards
    let d = r - 1;
    while (d >= 0) {
      idx[d]!++;
      for (let k = 0; k < nOps; k++) offsets[k]! += outerStrides[k]![d]!;
      if (idx[d]! < outer[d]!) break;
      for (let k = 0; k < nOps; k++) offsets[k]! -= outerStrides[k]![d]! * outer[d]!;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}
