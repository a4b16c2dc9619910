/**
 * A hostile-input sweep of the public API of tensor-gpu's core: every case feeds one bad input (a
 * shape with a fraction, an axis out of range, an option of the wrong type, ids out of range, ...)
 * and is classified by what comes back:
 *
 * - `typed+hint`: an LlmforgeError (ShapeError, DTypeError, ...) whose message has a hint;
 * - `typed`: an LlmforgeError without a hint;
 * - `raw`: any other error (TypeError, RangeError, ...);
 * - `silent`: no error, and no check that the result is right;
 * - `correct`: no error, and the case's `accept` check passed (the input is legal after all, like
 *   torch accepting it, and the result is what it should be).
 *
 * `hostile-inputs.test.ts` requires `typed+hint` or `correct` of every case; run
 * `npx tsx test/hostile-inputs-report.ts` for the counts.
 */
import { LlmforgeError } from '@llmforge/errors';
import {
  AdamW,
  arange,
  attention,
  type Backend,
  clipGradNorm,
  concat,
  constantSchedule,
  cosineSchedule,
  createCpuBackend,
  createOptimizer,
  createSchedule,
  createWebGPUBackend,
  crossEntropy,
  Dropout,
  dropout,
  Embedding,
  embedding,
  expand,
  full,
  LayerNorm,
  Linear,
  layerNorm,
  linearSchedule,
  Module,
  ModuleList,
  maskedFill,
  matmul,
  narrow,
  ones,
  permute,
  RandomGenerator,
  RMSNorm,
  rand,
  randn,
  reshape,
  rmsNorm,
  rope,
  SGD,
  sampleTokens,
  slice,
  split,
  stack,
  type Tensor,
  takeAlongAxis,
  tensor,
  transpose,
  where,
  wsdSchedule,
  zeros,
} from '../src/index.js';

/** One hostile input. */
export interface HostileCase {
  /** The API area (for the report). */
  area: string;
  /** What is fed, e.g. `tensor(data, [1.5, 2])`. */
  name: string;
  run: () => unknown;
  /** Present when a result is a legal answer: throws unless the result is the right one. */
  accept?: (result: unknown) => void | Promise<void>;
}

/** What a case gave. */
export type Outcome = 'typed+hint' | 'typed' | 'raw' | 'silent' | 'correct';

/** Classifies one case (awaits promises it returns). */
export async function classify(c: HostileCase): Promise<{ outcome: Outcome; detail: string }> {
  let result: unknown;
  try {
    result = await c.run();
  } catch (e) {
    if (LlmforgeError.isInstance(e)) {
      return { outcome: e.hint ? 'typed+hint' : 'typed', detail: `${e.name}: ${e.message}` };
    }
    return { outcome: 'raw', detail: `${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? e}` };
  }
  if (!c.accept) return { outcome: 'silent', detail: describe(result) };
  try {
    await c.accept(result);
    return { outcome: 'correct', detail: describe(result) };
  } catch (e) {
    return { outcome: 'silent', detail: `accepted wrongly: ${(e as Error).message}` };
  }
}

function describe(v: unknown): string {
  if (v && typeof v === 'object' && 'shape' in v && 'dtype' in v) {
    const t = v as Tensor;
    return `Tensor(${t.dtype}, (${t.shape.join(',')}))`;
  }
  return typeof v === 'function' ? 'a function' : String(v);
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

function sameValues(actual: ArrayLike<number>, expected: readonly number[]): void {
  check(
    actual.length === expected.length && expected.every((v, i) => Object.is(actual[i], v)),
    `expected [${expected}], got [${Array.from(actual)}]`,
  );
}

const any = (v: unknown): never => v as never;

/** Every case, on `cpu` (a CPU backend the caller disposes). */
export function hostileCases(cpu: Backend): HostileCase[] {
  const gen = () => new RandomGenerator(1);
  const t = (shape: number[], dtype: 'f32' | 'i32' = 'f32') =>
    tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i),
      shape,
      dtype,
      cpu,
    );
  const ids = (values: number[], shape = [values.length]) => tensor(values, shape, 'i32', cpu);
  const param = (shape: number[]) => t(shape).requireGrad();
  const withGrad = () => {
    const p = param([2]);
    p.mul(p).sum().backward();
    return p;
  };
  const cases: HostileCase[] = [];
  const add = (area: string, name: string, run: () => unknown, accept?: HostileCase['accept']) =>
    cases.push({ area, name, run, ...(accept ? { accept } : {}) });

  // ---- tensor() and the creation functions ----
  add('creation', 'tensor([1,2,3], [1.5, 2])', () => tensor([1, 2, 3], [1.5, 2], 'f32', cpu));
  add('creation', 'tensor([1,2], [-1, -2]) (product 2)', () => tensor([1, 2], [-1, -2], 'f32', cpu));
  add('creation', 'tensor([1,2,3,4], [2, -1])', () => tensor([1, 2, 3, 4], [2, -1], 'f32', cpu));
  add('creation', "tensor([1,2], [2], 'f8')", () => tensor([1, 2], [2], any('f8'), cpu));
  add('creation', 'tensor([1,2,3], [2])', () => tensor([1, 2, 3], [2], 'f32', cpu));
  add('creation', 'tensor([1,2], [NaN])', () => tensor([1, 2], [Number.NaN], 'f32', cpu));
  add('creation', 'tensor([1,2], [Infinity])', () => tensor([1, 2], [Number.POSITIVE_INFINITY], 'f32', cpu));
  add('creation', 'tensor([[1,2],[3]]) (ragged)', () => tensor(any([[1, 2], [3]]), undefined, 'f32', cpu));
  add('creation', 'tensor([[1],[2,3]]) (ragged, same count)', () =>
    tensor(any([[1], [2, 3], []]), undefined, 'f32', cpu),
  );
  add('creation', "tensor('abc')", () => tensor(any('abc'), undefined, 'f32', cpu));
  add('creation', 'tensor(null)', () => tensor(any(null), undefined, 'f32', cpu));
  add('creation', 'tensor(undefined)', () => tensor(any(undefined), undefined, 'f32', cpu));
  add('creation', "tensor([1, 'a'])", () => tensor(any([1, 'a']), undefined, 'f32', cpu));
  add('creation', 'tensor({})', () => tensor(any({}), undefined, 'f32', cpu));
  add('creation', "tensor([1,2], '2')", () => tensor([1, 2], any('2'), 'f32', cpu));
  add('creation', 'tensor([1,2], [2], f32, {}) (not a backend)', () => tensor([1, 2], [2], 'f32', any({})));
  add('creation', 'tensor(new BigInt64Array(2))', () =>
    tensor(any(new BigInt64Array(2)), undefined, undefined, cpu),
  );
  add(
    'creation',
    'tensor(new Uint8Array([1, 200])) (no dtype)',
    () => tensor(any(new Uint8Array([1, 200])), undefined, undefined, cpu),
    (r) => {
      const x = r as Tensor;
      check(x.dtype === 'i32', `dtype ${x.dtype}`);
      sameValues(x.dataSync(), [1, 200]);
    },
  );
  add(
    'creation',
    "tensor([1.5, -2.5], [2], 'i32') (truncates as torch)",
    () => tensor([1.5, -2.5], [2], 'i32', cpu),
    (r) => sameValues((r as Tensor).dataSync(), [1, -2]),
  );
  add('creation', 'tensor([1,2], [2, 0])', () => tensor([1, 2], [2, 0], 'f32', cpu));
  add('creation', 'zeros([-1])', () => zeros([-1], 'f32', cpu));
  add('creation', 'zeros([1.5])', () => zeros([1.5], 'f32', cpu));
  add('creation', 'zeros([NaN])', () => zeros([Number.NaN], 'f32', cpu));
  add('creation', "zeros([2], 'bad')", () => zeros([2], any('bad'), cpu));
  add('creation', "zeros('3')", () => zeros(any('3'), 'f32', cpu));
  add('creation', 'zeros(3) (a number, not a shape)', () => zeros(any(3), 'f32', cpu));
  add('creation', "full([2], 'a')", () => full([2], any('a'), 'f32', cpu));
  add(
    'creation',
    'full([2], NaN) (legal)',
    () => full([2], Number.NaN, 'f32', cpu),
    (r) => {
      sameValues((r as Tensor).dataSync(), [Number.NaN, Number.NaN]);
    },
  );
  add('creation', 'ones([2**50]) (more memory than any machine)', () => ones([2 ** 50], 'f32', cpu));
  add('creation', 'arange(0, 10, 0)', () => arange(0, 10, 0, 'f32', cpu));
  add('creation', 'arange(NaN)', () => arange(Number.NaN, undefined, 1, 'f32', cpu));
  add('creation', 'arange(0, Infinity)', () => arange(0, Number.POSITIVE_INFINITY, 1, 'f32', cpu));
  add('creation', "arange(0, 5, 1, 'bad')", () => arange(0, 5, 1, any('bad'), cpu));
  add('creation', "arange('5')", () => arange(any('5'), undefined, 1, 'f32', cpu));
  add('creation', 'rand([2], {}) (not a generator)', () => rand([2], any({}), 'f32', cpu));
  add('creation', 'rand([2], null)', () => rand([2], any(null), 'f32', cpu));
  add('creation', 'randn([-2], gen)', () => randn([-2], gen(), 'f32', cpu));
  add('creation', "rand([2], gen, 'i32')", () => rand([2], gen(), 'i32', cpu));
  add('creation', 'randn(..., std -1)', () => randn([2], gen(), 'f32', cpu, 0, -1));
  add('creation', 'rand(..., low 1, high 0)', () => rand([2], gen(), 'f32', cpu, 1, 0));
  add('creation', 'rand(..., low NaN)', () => rand([2], gen(), 'f32', cpu, Number.NaN, 1));

  // ---- reshape and friends ----
  add('reshape', 'reshape (2,3) → [4]', () => reshape(t([2, 3]), [4]));
  add('reshape', 'reshape [-1, -1]', () => reshape(t([2, 3]), [-1, -1]));
  add('reshape', 'reshape [2.5, 2]', () => reshape(t([5]), [2.5, 2]));
  add('reshape', "reshape 'abc'", () => reshape(t([3]), any('abc')));
  add('reshape', 'reshape [NaN]', () => reshape(t([3]), [Number.NaN]));
  add('reshape', 'reshape [-2, -3] (product 6)', () => reshape(t([6]), [-2, -3]));
  add('reshape', 'unsqueeze(5) on rank 2', () => t([2, 3]).unsqueeze(5));
  add('reshape', 'unsqueeze(1.5)', () => t([2, 3]).unsqueeze(1.5));
  add('reshape', 'squeeze(7) on rank 2', () => t([1, 3]).squeeze(7));
  add('reshape', 'squeeze(0.5)', () => t([1, 3]).squeeze(0.5));
  add(
    'reshape',
    'squeeze(1) of a size-3 axis (legal: unchanged)',
    () => t([1, 3]).squeeze(1),
    (r) => {
      check(String((r as Tensor).shape) === '1,3', `shape ${(r as Tensor).shape}`);
    },
  );
  add('reshape', 'expand (3) → [5]', () => expand(t([3]), [5]));
  add('reshape', 'expand (3) → [-2]', () => expand(t([3]), [-2]));
  add('reshape', 'expand (3) → [2, 1.5]', () => expand(t([3]), [2, 1.5]));

  // ---- permute / transpose ----
  add('permute', 'permute([0]) on rank 2', () => permute(t([2, 3]), [0]));
  add('permute', 'permute([0, 0])', () => permute(t([2, 3]), [0, 0]));
  add('permute', 'permute([0, 5])', () => permute(t([2, 3]), [0, 5]));
  add('permute', 'permute([0, 1.5])', () => permute(t([2, 3]), [0, 1.5]));
  add('permute', "permute('01')", () => permute(t([2, 3]), any('01')));
  add('permute', 'permute([1, 0, 2]) on rank 2', () => permute(t([2, 3]), [1, 0, 2]));
  add('permute', 'transpose(0, 3)', () => transpose(t([2, 3]), 0, 3));
  add('permute', 'transpose(0.5, 1)', () => transpose(t([2, 3]), 0.5, 1));
  add('permute', 'transpose of a scalar', () => transpose(tensor(1, [], 'f32', cpu)));

  // ---- slice / narrow / split ----
  add('slice', 'slice([5], [10]) of (3)', () => slice(t([3]), [5], [10]));
  add('slice', 'slice([2], [1]) of (3)', () => slice(t([3]), [2], [1]));
  add('slice', 'slice([0.5]) of (3)', () => slice(t([3]), [0.5]));
  add('slice', 'slice([NaN]) of (3)', () => slice(t([3]), [Number.NaN]));
  add('slice', 'slice([0, 0, 0]) of (3) (too many starts)', () => slice(t([3]), [0, 0, 0]));
  add('slice', 'slice([0], [1, 2]) of (3) (too many ends)', () => slice(t([3]), [0], [1, 2]));
  add('slice', 'slice([-5]) of (3)', () => slice(t([3]), [-5]));
  add('slice', "slice('0')", () => slice(t([3]), any('0')));
  add('slice', 'narrow(0, 2, 5) of (3)', () => narrow(t([3]), 0, 2, 5));
  add('slice', 'narrow(3, 0, 1) of (3)', () => narrow(t([3]), 3, 0, 1));
  add('slice', 'narrow(0, 0, -1) of (3)', () => narrow(t([3]), 0, 0, -1));
  add(
    'slice',
    'narrow(0, -1, 1) of (3) (legal: from the end)',
    () => narrow(t([3]), 0, -1, 1),
    (r) => {
      sameValues((r as Tensor).dataSync(), [2]);
    },
  );
  add('slice', 'split(0)', () => split(t([6]), 0));
  add('slice', 'split(4) of 6', () => split(t([6]), 4));
  add('slice', 'split([1, 2]) of 6', () => split(t([6]), [1, 2]));
  add('slice', 'split([-1, 7]) of 6', () => split(t([6]), [-1, 7]));
  add('slice', 'split([2.5, 3.5]) of 6', () => split(t([6]), [2.5, 3.5]));
  add('slice', 'split(2, 5) (bad axis)', () => split(t([6]), 2, 5));

  // ---- concat / stack ----
  add('concat', 'concat (2,3) and (2,4) on axis 0', () => concat([t([2, 3]), t([2, 4])], 0));
  add('concat', 'concat (2,3) and (3) on axis 0', () => concat([t([2, 3]), t([3])], 0));
  add('concat', 'concat([])', () => concat([], 0));
  add('concat', 'concat f32 and i32', () => concat([t([2]), t([2], 'i32')], 0));
  add('concat', 'concat on axis 3 of rank 1', () => concat([t([2]), t([2])], 3));
  add('concat', "concat('x')", () => concat(any('x'), 0));
  add('concat', 'concat([a, null])', () => concat(any([t([2]), null]), 0));
  add('concat', 'stack (2) and (3)', () => stack([t([2]), t([3])]));
  add('concat', 'concat on axis 1.5', () => concat([t([2, 2]), t([2, 2])], 1.5));

  // ---- elementwise, matmul, reductions, selection ----
  add('math', 'add (2,3) + (4)', () => t([2, 3]).add(t([4])));
  add('math', "add('1')", () => t([2]).add(any('1')));
  add('math', 'add(null)', () => t([2]).add(any(null)));
  add('math', 'add(undefined)', () => t([2]).add(any(undefined)));
  add('math', 'matmul (2,3) @ (4,5)', () => matmul(t([2, 3]), t([4, 5])));
  add('math', 'matmul i32', () => matmul(t([2, 2], 'i32'), t([2, 2], 'i32')));
  add('math', 'matmul with a scalar', () => matmul(tensor(2, [], 'f32', cpu), t([2, 2])));
  add('math', 'sum(5) of rank 2', () => t([2, 3]).sum(5));
  add('math', 'mean(1.5)', () => t([2, 3]).mean(1.5));
  add('math', "sum('0')", () => t([2, 3]).sum(any('0')));
  add('math', 'softmax(3) of rank 2', () => t([2, 3]).softmax(3));
  add('math', 'argmax(3) of rank 2', () => t([2, 3]).argmax(3));
  add('math', 'topK(0)', () => t([2, 3]).topK(0));
  add('math', 'topK(10) of 3', () => t([2, 3]).topK(10));
  add('math', 'topK(1.5)', () => t([2, 3]).topK(1.5));
  add('math', "pow('2')", () => t([2]).pow(any('2')));
  add('math', "unary('bogus')", () => t([2]).unary(any('bogus')));
  add('math', "cast('bad')", () => t([2]).cast(any('bad')));
  add('math', 'where with mismatched cond', () => where(t([3], 'i32'), t([2]), t([2])));
  add('math', 'maskedFill with a mask of another shape', () => maskedFill(t([2, 3]), t([4], 'i32'), 0));
  add('math', 'item() of 2 elements', () => t([2]).itemSync());
  add('math', "clamp('a', 1)", () => t([2]).clamp(any('a'), 1));

  // ---- losses, embedding, takeAlongAxis (CPU) ----
  const logits = () => t([2, 3]);
  add('ids', 'crossEntropy target 5 for V 3', () => crossEntropy(logits(), ids([0, 5])));
  add('ids', 'crossEntropy target -2', () => crossEntropy(logits(), ids([0, -2])));
  add('ids', 'crossEntropy f32 targets', () => crossEntropy(logits(), t([2])));
  add('ids', 'crossEntropy targets (3) for 2 rows', () => crossEntropy(logits(), ids([0, 1, 2])));
  add('ids', "crossEntropy reduction 'bogus'", () =>
    crossEntropy(logits(), ids([0, 1]), { reduction: any('bogus') }),
  );
  add('ids', 'crossEntropy ignoreIndex 1.5', () => crossEntropy(logits(), ids([0, 1]), { ignoreIndex: 1.5 }));
  add('ids', 'crossEntropy weights of another shape', () =>
    crossEntropy(logits(), ids([0, 1]), { weights: t([3]) }),
  );
  add('ids', 'embedding id 5 of 3 rows', () => embedding(t([3, 2]), ids([5])));
  add('ids', 'embedding id -1', () => embedding(t([3, 2]), ids([-1])));
  add('ids', 'embedding f32 ids', () => embedding(t([3, 2]), t([1])));
  add('ids', 'takeAlongAxis index 3 of 3 (aliases the next row)', () =>
    takeAlongAxis(logits(), ids([3, 0], [2, 1])),
  );
  add('ids', 'takeAlongAxis index -1', () => takeAlongAxis(logits(), ids([-1, 0], [2, 1])));
  add('ids', 'takeAlongAxis index 6 (past the end)', () => takeAlongAxis(logits(), ids([0, 6], [2, 1])));
  add('ids', 'takeAlongAxis axis 5', () => takeAlongAxis(logits(), ids([0, 0], [2, 1]), 5));
  add('ids', 'takeAlongAxis f32 indices', () => takeAlongAxis(logits(), t([2, 1])));
  add('ids', 'sampleTokens without a generator', () => sampleTokens(logits(), any(undefined)));
  add('ids', 'sampleTokens temperature -1', () => sampleTokens(logits(), gen(), { temperature: -1 }));
  add('ids', 'sampleTokens topP 2', () => sampleTokens(logits(), gen(), { topP: 2 }));

  // ---- fused ops ----
  add('fused', 'dropout p 1.5', () => dropout(t([4]), 1.5, gen()));
  add('fused', 'dropout p NaN', () => dropout(t([4]), Number.NaN, gen()));
  add('fused', 'dropout without a generator', () => dropout(t([4]), 0.5, any(undefined)));
  add('fused', 'layerNorm weight (4) for C 3', () => layerNorm(t([2, 3]), t([4]), t([3])));
  add('fused', 'layerNorm eps -1', () => layerNorm(t([2, 3]), t([3]), t([3]), -1));
  add('fused', 'rmsNorm weight (4) for C 3', () => rmsNorm(t([2, 3]), t([4])));
  add('fused', "rmsNorm eps 'a'", () => rmsNorm(t([2, 3]), t([3]), any('a')));
  add('fused', 'attention q (1,1,2,4), k (1,1,3,5)', () =>
    attention(t([1, 1, 2, 4]), t([1, 1, 3, 5]), t([1, 1, 3, 5])),
  );
  add('fused', 'rope offset -1', () => rope(t([1, 1, 2, 4]), { offset: -1 }));
  add('fused', 'rope theta 0', () => rope(t([1, 1, 2, 4]), { theta: 0 }));
  add('fused', 'rope odd head size', () => rope(t([1, 1, 2, 3])));

  // ---- Tensor methods ----
  add('tensor', 'requireGrad on i32', () => t([2], 'i32').requireGrad());
  add('tensor', 'backward of a non-scalar', () => t([2]).requireGrad().mul(2).backward());
  add('tensor', 'backward with a grad of another shape', () => {
    const y = t([2]).requireGrad().mul(2);
    y.backward({ grad: t([3]) });
  });
  add('tensor', 'assign 3 values into (2)', () => t([2]).assign(new Float32Array(3)));
  add('tensor', 'assign 1 value into (2)', () => t([2]).assign(new Float32Array(1)));
  add(
    'tensor',
    'assign Float64Array into f32 (legal: converted)',
    () => t([2]).assign(new Float64Array([0.5, -2])),
    (r) => sameValues((r as Tensor).dataSync(), [0.5, -2]),
  );
  add('tensor', "assign('ab')", () => t([2]).assign(any('ab')));
  add('tensor', 'assign a (3) tensor into (2)', () => t([2]).assign(t([3])));
  add('tensor', 'to(null)', () => t([2]).to(any(null)));
  add('tensor', 'data() of a disposed tensor', () => {
    const x = t([2]);
    x.dispose();
    return x.data();
  });

  // ---- nn modules ----
  const g = gen;
  add('nn', 'new Linear(-1, 3)', () => new Linear(-1, 3, { generator: g(), backend: cpu }));
  add('nn', 'new Linear(2, -3)', () => new Linear(2, -3, { generator: g(), backend: cpu }));
  add('nn', 'new Linear(1.5, 3)', () => new Linear(1.5, 3, { generator: g(), backend: cpu }));
  add('nn', 'new Linear(NaN, 3)', () => new Linear(Number.NaN, 3, { generator: g(), backend: cpu }));
  add('nn', "new Linear('2', 3)", () => new Linear(any('2'), 3, { generator: g(), backend: cpu }));
  add(
    'nn',
    'new Linear(2, 3, { generator: 5 })',
    () => new Linear(2, 3, { generator: any(5), backend: cpu }),
  );
  add(
    'nn',
    "new Linear(2, 3, { dtype: 'i32' })",
    () => new Linear(2, 3, { generator: g(), backend: cpu, dtype: any('i32') }),
  );
  add(
    'nn',
    "new Linear(2, 3, { bias: 'no' })",
    () => new Linear(2, 3, { generator: g(), backend: cpu, bias: any('no') }),
  );
  add(
    'nn',
    'new Linear(2, 3, { backend: {} })',
    () => new Linear(2, 3, { generator: g(), backend: any({}) }),
  );
  add(
    'nn',
    'new Linear(2, 3, { weightInit: 5 })',
    () => new Linear(2, 3, { generator: g(), backend: cpu, weightInit: any(5) }),
  );
  add('nn', 'new Embedding(-5, 3)', () => new Embedding(-5, 3, { generator: g(), backend: cpu }));
  add('nn', 'new Embedding(5, 2.5)', () => new Embedding(5, 2.5, { generator: g(), backend: cpu }));
  add('nn', 'new LayerNorm(-1)', () => new LayerNorm(-1, { backend: cpu }));
  add('nn', 'new LayerNorm(4, { eps: -1 })', () => new LayerNorm(4, { eps: -1, backend: cpu }));
  add('nn', "new LayerNorm(4, { eps: 'a' })", () => new LayerNorm(4, { eps: any('a'), backend: cpu }));
  add('nn', 'new RMSNorm(-3)', () => new RMSNorm(-3, { backend: cpu }));
  add('nn', 'new RMSNorm(4, { eps: NaN })', () => new RMSNorm(4, { eps: Number.NaN, backend: cpu }));
  add('nn', 'new Dropout(1.5)', () => new Dropout(1.5, { generator: g() }));
  add('nn', 'new Dropout(-0.1)', () => new Dropout(-0.1, { generator: g() }));
  add('nn', 'new Dropout(1)', () => new Dropout(1, { generator: g() }));
  add('nn', 'new Dropout(0.5) without a generator', () => new Dropout(0.5, any({})));
  add('nn', 'new Dropout(0.5) without options', () => new Dropout(0.5, any(undefined)));
  add('nn', 'new ModuleList([5])', () => new ModuleList(any([5])));
  add('nn', 'Linear(2, 3).forward(x of (4, 5))', () =>
    new Linear(2, 3, { generator: g(), backend: cpu }).forward(t([4, 5])),
  );
  add('nn', 'loadStateDict(5)', () =>
    new Linear(2, 3, { generator: g(), backend: cpu }).loadStateDict(any(5)),
  );
  add('nn', "registerParameter('', x)", () => {
    class M extends Module {
      p = this.registerParameter('', t([2]));
    }
    return new M();
  });

  // ---- optimizers, clipping, schedules ----
  add('optim', 'AdamW lr -1', () => new AdamW([param([2])], { lr: -1 }));
  add('optim', "AdamW lr '0.1'", () => new AdamW([param([2])], { lr: any('0.1') }));
  add('optim', 'AdamW betas [0.9]', () => new AdamW([param([2])], { betas: any([0.9]) }));
  add('optim', 'AdamW betas 5', () => new AdamW([param([2])], { betas: any(5) }));
  add('optim', 'AdamW eps NaN', () => new AdamW([param([2])], { eps: Number.NaN }));
  add('optim', 'AdamW of no parameters', () => new AdamW([]));
  add('optim', "AdamW('abc')", () => new AdamW(any('abc')));
  add('optim', 'AdamW(undefined)', () => new AdamW(any(undefined)));
  add('optim', 'AdamW of a tensor without grad', () => new AdamW([t([2])]));
  add('optim', 'AdamW of [5]', () => new AdamW(any([5])));
  add('optim', 'AdamW options null', () => new AdamW([param([2])], any(null)));
  add('optim', 'SGD momentum -1', () => new SGD([param([2])], { momentum: -1 }));
  add('optim', "SGD nesterov 'yes'", () => new SGD([param([2])], { nesterov: any('yes'), momentum: 0.9 }));
  add('optim', 'setLr(NaN)', () => new AdamW([param([2])]).setLr(Number.NaN));
  add('optim', "createOptimizer type 'adam'", () =>
    createOptimizer([['w', param([2])]], any({ type: 'adam' })),
  );
  add('optim', 'createOptimizer(null, ...)', () => createOptimizer(any(null), { type: 'adamw' }));
  add('optim', 'createOptimizer(params, null)', () => createOptimizer([['w', param([2])]], any(null)));
  add('optim', 'clipGradNorm maxNorm -1', () => clipGradNorm([withGrad()], -1));
  add('optim', 'clipGradNorm maxNorm NaN', () => clipGradNorm([withGrad()], Number.NaN));
  add('optim', "clipGradNorm('x', 1)", () => clipGradNorm(any('x'), 1));
  add('optim', 'clipGradNorm eps -1', () => clipGradNorm([withGrad()], 1, { eps: -1 }));
  add('optim', 'cosineSchedule without totalSteps', () => cosineSchedule(any({ lr: 1 })));
  add('optim', 'cosineSchedule(...)(-1)', () => cosineSchedule({ lr: 1, totalSteps: 10 })(-1));
  add('optim', 'cosineSchedule(...)(NaN)', () => cosineSchedule({ lr: 1, totalSteps: 10 })(Number.NaN));
  add('optim', "linearSchedule lr '1'", () => linearSchedule({ lr: any('1'), totalSteps: 10 }));
  add('optim', 'constantSchedule(null)', () => constantSchedule(any(null)));
  add('optim', 'createSchedule(null)', () => createSchedule(any(null)));
  add('optim', "createSchedule({ type: 'x' })", () => createSchedule(any({ type: 'x' })));
  add('optim', "wsdSchedule decayShape 'exp'", () =>
    wsdSchedule({ lr: 1, totalSteps: 10, decaySteps: 2, decayShape: any('exp') }),
  );
  add('optim', 'wsdSchedule decaySteps > totalSteps', () =>
    wsdSchedule({ lr: 1, totalSteps: 10, decaySteps: 20 }),
  );

  // ---- RandomGenerator ----
  add('random', "new RandomGenerator('42')", () => new RandomGenerator(any('42')));
  add('random', 'new RandomGenerator(-1)', () => new RandomGenerator(-1));
  add('random', 'new RandomGenerator(1.5)', () => new RandomGenerator(1.5));
  add('random', 'new RandomGenerator(NaN)', () => new RandomGenerator(Number.NaN));
  add('random', 'new RandomGenerator(1n)', () => new RandomGenerator(any(1n)));
  add('random', 'new RandomGenerator(undefined)', () => new RandomGenerator(any(undefined)));
  add('random', 'gen.int(0)', () => gen().int(0));
  add('random', 'gen.uniformArray(-1)', () => gen().uniformArray(-1));
  add('random', 'gen.uniformArray(1.5)', () => gen().uniformArray(1.5));
  add('random', "gen.normalArray('3')", () => gen().normalArray(any('3')));
  add('random', 'gen.normalArray(2, 0, NaN)', () => gen().normalArray(2, 0, Number.NaN));
  add('random', 'gen.uniformArray(2, 1, 0)', () => gen().uniformArray(2, 1, 0));
  add('random', 'gen.permutation(-1)', () => gen().permutation(-1));
  add('random', 'gen.shuffle(5)', () => gen().shuffle(any(5)));
  add('random', 'RandomGenerator.fromState(null)', () => RandomGenerator.fromState(any(null)));
  add('random', 'gen.setState({ seed: 1, offset: -1 })', () => gen().setState({ seed: 1, offset: -1 }));
  add('random', 'gen.normal(0, -1)', () => gen().normal(0, -1));

  // ---- backends ----
  add('backend', 'createCpuBackend({ threads: -1 })... a disposed backend', () => {
    const b = createCpuBackend();
    b.dispose();
    return zeros([2], 'f32', b);
  });
  add('backend', 'createWebGPUBackend({})', () => createWebGPUBackend({}));
  add('backend', 'createWebGPUBackend(undefined)', () => createWebGPUBackend(any(undefined)));
  add('backend', 'tensors of two backends', () => {
    const other = createCpuBackend();
    try {
      return t([2]).add(tensor([1, 2], [2], 'f32', other));
    } finally {
      other.dispose();
    }
  });
  return cases;
}
