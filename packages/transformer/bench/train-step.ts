/**
 * Forward + backward tokens/s of a model on the CPU backend, and the same step in PyTorch (eager,
 * float32, attention written out) when `/usr/bin/python3` has torch, measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCpuBackend, memory } from '@llmforge/tensor-gpu';
import { type ModelConfigInput, resolveConfig } from '../src/config.js';
import { countParams, flopsPerToken } from '../src/flops.js';
import { createModel } from '../src/model.js';

export interface StepCase {
  name: string;
  config: ModelConfigInput;
  batch: number;
  seqLen: number;
  /** Timed steps after one warm-up step. */
  steps: number;
}

export interface StepResult {
  tokensPerSecond: number;
  gflops: number;
  peakMiB: number;
}

/**
 * Our forward + backward (optionally with activation checkpointing), median of `steps` timed steps
 * after a warm-up; peak = the backend's largest live bytes (parameters, gradients, activations).
 */
export function measureOurs(c: StepCase, checkpoint = false): StepResult {
  const backend = createCpuBackend();
  const model = createModel(c.config, { backend, seed: 0 });
  const V = model.config.vocabSize;
  const ids = Array.from({ length: c.batch }, (_, b) =>
    Array.from({ length: c.seqLen }, (_, t) => (b * 31 + t * 7) % V),
  );
  const times: number[] = [];
  for (let s = 0; s <= c.steps; s++) {
    const t0 = performance.now();
    const loss = model.forwardBackward(ids, { labels: ids, checkpoint });
    loss.itemSync();
    const dt = performance.now() - t0;
    loss.dispose();
    for (const p of model.parameters()) p.zeroGrad();
    if (s > 0) times.push(dt);
  }
  const peak = memory(backend).peakLiveBytes;
  model.dispose();
  backend.dispose();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]! / 1000;
  const tps = (c.batch * c.seqLen) / median;
  return {
    tokensPerSecond: tps,
    gflops: (tps * flopsPerToken(c.config, c.seqLen)) / 1e9,
    peakMiB: peak / 2 ** 20,
  };
}

/** The Python with torch: Debian's by default (`TORCH_PYTHON` overrides, e.g. on the GPU machine). */
const TORCH = process.env.TORCH_PYTHON ?? '/usr/bin/python3';

/** Whether PyTorch can be run, and why not. */
export function torchStatus(): { ok: true; version: string } | { ok: false; reason: string } {
  if (!existsSync(TORCH)) return { ok: false, reason: `${TORCH} not found` };
  try {
    const version = execFileSync(TORCH, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return { ok: true, version };
  } catch {
    return { ok: false, reason: `${TORCH} has no torch module (Debian python3-torch is not installed)` };
  }
}

/** The same step in PyTorch, via bench/torch_step.py. */
export function measureTorch(c: StepCase): StepResult {
  const script = fileURLToPath(new URL('./torch_step.py', import.meta.url));
  const cfg = resolveConfig(c.config);
  const out = execFileSync(
    TORCH,
    [script, JSON.stringify({ config: cfg, batch: c.batch, seqLen: c.seqLen, steps: c.steps })],
    { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } },
  );
  const seconds = Number(out.trim().split('\n').pop());
  const tps = (c.batch * c.seqLen) / seconds;
  return {
    tokensPerSecond: tps,
    gflops: (tps * flopsPerToken(c.config, c.seqLen)) / 1e9,
    peakMiB: Number.NaN,
  };
}

export function describeCase(c: StepCase): string {
  return `${c.name} (${(countParams(c.config) / 1e6).toFixed(2)}M params, B=${c.batch}, T=${c.seqLen})`;
}
