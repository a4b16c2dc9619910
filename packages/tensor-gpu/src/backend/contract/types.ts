/**
 * The types every family of the op contract is written in: what inference sees of a tensor
 * (`TensorMeta`), an empty tensor role (`NoTensors`), and the shape of one op's signature and of its
 * inference function.
 */
import type { DType } from '../dtype.js';

/** What inference sees of a tensor. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** No tensors in this role. */
export type NoTensors = Record<never, never>;

/** One op's signature: named input, output and in-place tensor roles, and its attributes. */
export interface OpSignature {
  inputs: object;
  outputs: object;
  inouts: object;
  attrs: object;
}

/** Validates one op call (signature `S` with tensors as `TensorMeta`) and returns its output metas. */
export type Inference<S extends OpSignature> = (
  inputs: S['inputs'],
  inouts: S['inouts'],
  attrs: S['attrs'],
) => S['outputs'];

/** One inference function per op of a family (a mapped type: a missing op is a compile error). */
export type Inferences<Ops> = { [K in keyof Ops]: Ops[K] extends OpSignature ? Inference<Ops[K]> : never };
