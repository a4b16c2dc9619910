/**
 * Loads the reference fixtures (HF `config.json`, `model.safetensors`, `expected.safetensors` made by
 * PyTorch in float64) from the repository's `fixtures/` (`fixtures/make_fixtures.py` made them), and
 * the tolerance checks the tests share.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Backend, createCpuBackend, tensor } from '@llmforge/tensor-gpu';
import { expect } from 'vitest';
import { fromHfConfig } from '../../src/hf-config.js';
import { fromHfTensors, type HostTensor } from '../../src/hf-weights.js';
import type { ModelDType } from '../../src/layer-options.js';
import { createModel, type Model } from '../../src/model.js';

export type FixtureName = 'gpt2-tiny' | 'llama-tiny';

export const fixtureDir = (name: FixtureName): string =>
  fileURLToPath(new URL(`../../../../fixtures/${name}/`, import.meta.url));

/** A safetensors file as name → { shape, data } (F32 → Float32Array, I32 → Int32Array). */
export function readSafetensors(
  path: string,
): Map<string, { shape: number[]; data: Float32Array | Int32Array }> {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const out = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const start = 8 + n + e.data_offsets[0];
    const copy = new Uint8Array(bytes.subarray(start, 8 + n + e.data_offsets[1])).buffer;
    if (e.dtype !== 'F32' && e.dtype !== 'I32') throw new Error(`fixture dtype ${e.dtype} not handled`);
    out.set(name, {
      shape: e.shape,
      data: e.dtype === 'I32' ? new Int32Array(copy) : new Float32Array(copy),
    });
  }
  return out;
}

export interface Fixture {
  name: FixtureName;
  modelType: 'gpt2' | 'llama';
  config: ReturnType<typeof fromHfConfig>['config'];
  /** HF tensors of model.safetensors. */
  weights: Map<string, HostTensor>;
  /** expected.safetensors. */
  expected: Map<string, { shape: number[]; data: Float32Array | Int32Array }>;
  adamw: { lr: number; betas: [number, number]; eps: number; weight_decay: number };
}

export function loadFixture(name: FixtureName): Fixture {
  const dir = fixtureDir(name);
  const { modelType, config } = fromHfConfig(JSON.parse(readFileSync(`${dir}config.json`, 'utf8')));
  const weights = readSafetensors(`${dir}model.safetensors`) as Map<string, HostTensor>;
  const expected = readSafetensors(`${dir}expected.safetensors`);
  const adamw = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')).adamw;
  return { name, modelType, config, weights, expected, adamw };
}

/** A model holding the fixture's weights (converted from the HF layout), on `backend`. */
export function fixtureModel(
  f: Fixture,
  backend: Backend = createCpuBackend(),
  dtype: ModelDType = 'f32',
): Model {
  const model = createModel(f.config, { backend, dtype, init: false });
  model.loadStateDict(fromHfTensors(f.modelType, model.stateDict(), f.weights));
  return model.eval();
}

/** An i32 tensor from a fixture entry. */
export function idsTensor(f: Fixture, key: string, backend: Backend) {
  const e = f.expected.get(key)!;
  return tensor(e.data, e.shape, 'i32', backend);
}

/** The rows of an i32 fixture entry (B, T) as number[][]. */
export function rows(f: Fixture, key: string): number[][] {
  const e = f.expected.get(key)!;
  const [B, T] = e.shape as [number, number];
  return Array.from({ length: B }, (_, b) => Array.from(e.data.subarray(b * T, (b + 1) * T)));
}

/**
 * Every element within `rel` relative error of the reference, with an absolute floor:
 * |actual − expected| ≤ rel·|expected| + abs. Reports the worst element on failure.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  abs: number,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - (rel * Math.abs(expected[i]!) + abs);
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (±${rel} rel + ${abs} abs)`,
    );
  }
}
