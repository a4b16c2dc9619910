/**
 * `pnpm bench cpu-train-step`: the CPU backend against PyTorch on the same cores, in one run.
 *
 * 1. nanoGPT's CPU "baby GPT" (char-level: 4 layers, 4 heads, width 128, context 64, batch 12,
 *    vocabulary 65, no biases, exact GELU, tied embeddings), one training step = forward, cross
 *    entropy against separate targets, backward, clip 1.0, AdamW. Ours through @llmforge/transformer's
 *    `createModel`; PyTorch through `torch_train_step.py` with the same config and init scheme.
 *    Rounds alternate ours / PyTorch so both see the same machine load; the medians and their ratio
 *    are printed with the load average, then the per-op breakdown of one of our steps, next to the
 *    same step on the TypeScript reference kernels (`wasm: false`: the backend before issue 11).
 * 2. GPT-2-small shapes (124M parameters), batch 1 × 256: one training step, ours and PyTorch.
 * 3. Per-token decoding latency with the KV cache at GPT-2-small shapes (ours through
 *    @llmforge/sampler's `stream`, greedy; PyTorch with a KV-cache loop), 64-token prompt.
 * 4. `demo`: the demo's SFT step (its 4-layer, 128-wide Llama-style model, vocabulary 2048, batch
 *    16 × 128) with
 *    the loss on every fifth position, as an SFT batch scores only the assistant's tokens: logits
 *    at every position (masked cross entropy) and only at the scored ones (`logits: { at }`), ours
 *    and PyTorch's the same two ways, with ours' per-op breakdown of both.
 *
 * PyTorch runs with as many threads as ours (`torch.set_num_threads`), from `python3` when it can
 * import torch; without it the bench prints ours alone. Arguments after `--`: `baby`, `gpt2`,
 * `decode`, `demo` to run only some sections; `--threads N` (default: the machine's cores); `--rounds N`
 * baby-GPT rounds of 5 steps each side (default 3; more rounds steady the medians); `--relaxed`
 * runs our kernels with relaxed SIMD (fused multiply-add), which Node 20 only validates after the
 * process-wide V8 flag that `createCpuBackend({ relaxedSimd: 'enable-flag' })` sets (Node ≥ 22 and
 * current browsers have it by default: there `auto` picks it). Every line says which SIMD ran.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stream } from '../../sampler/src/index.js';
import {
  createModel,
  type ModelConfig,
  type ModelConfigInput,
  resolveConfig,
} from '../../transformer/src/index.js';
import {
  AdamW,
  type CpuBackend,
  type CpuBackendOptions,
  clipGradNorm,
  createCpuBackend,
  crossEntropy,
  defaultBackend,
  tensor,
} from '../src/index.js';
import { printTable } from './timing.js';

/** nanoGPT's baby GPT (config/train_shakespeare_char.py with the README's CPU overrides). */
export const BABY: ModelConfigInput = {
  vocabSize: 65,
  contextLength: 64,
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  activation: 'gelu',
  bias: false,
  norm: 'layernorm',
  positions: 'learned',
  tiedEmbeddings: true,
};

/**
 * The demo's model: @llmforge/sft-rlhf's `DEMO_RECIPE` (`tiny-llama`: RMSNorm, SwiGLU, rotary
 * positions, no biases; context 128, 4 key/value heads, tied embeddings) with its 2048-token BPE
 * vocabulary.
 */
const DEMO: ModelConfigInput = {
  vocabSize: 2048,
  contextLength: 128,
  nLayer: 4,
  nHead: 4,
  nKvHead: 4,
  nEmbd: 128,
  activation: 'swiglu',
  bias: false,
  norm: 'rmsnorm',
  positions: 'rope',
  tiedEmbeddings: true,
};

const GPT2: ModelConfigInput = {
  vocabSize: 50257,
  contextLength: 1024,
  nLayer: 12,
  nHead: 12,
  nEmbd: 768,
  activation: 'gelu_tanh',
  bias: true,
  norm: 'layernorm',
  positions: 'learned',
  tiedEmbeddings: true,
};

const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const load = () => loadavg()[0]!.toFixed(2);

/** A deterministic batch: ids and next-token targets (B, T). */
function batch(V: number, B: number, T: number): { ids: number[][]; targets: number[] } {
  let s = 7;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % V;
  };
  const ids = Array.from({ length: B }, () => Array.from({ length: T }, next));
  return { ids, targets: Array.from({ length: B * T }, next) };
}

/**
 * A training loop on `backend`: `step()` runs one step and returns its milliseconds. With
 * `scoreEvery` k only every k-th position is scored: the others are ignored by the cross entropy,
 * or (`at`) their logits are not computed (`logits: { at }`).
 */
export function trainer(
  config: ModelConfigInput,
  B: number,
  T: number,
  backend: CpuBackend,
  { scoreEvery = 1, at = false }: { scoreEvery?: number; at?: boolean } = {},
) {
  const model = createModel(config, { backend, seed: 0 });
  const V = model.config.vocabSize;
  const opt = new AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
  const { ids, targets } = batch(V, B, T);
  const scored = Array.from({ length: Math.ceil((B * T) / scoreEvery) }, (_, i) => i * scoreEvery);
  const masked = targets.map((t, i) => (i % scoreEvery === 0 ? t : -100));
  const tg = at
    ? tensor(
        Int32Array.from(scored, (i) => targets[i]!),
        [scored.length],
        'i32',
        backend,
      )
    : tensor(Int32Array.from(masked), [B * T], 'i32', backend);
  return {
    step(): number {
      const t0 = performance.now();
      opt.zeroGrad();
      const loss = at
        ? model.forwardBackward(ids, {
            logits: { at: scored },
            loss: ({ logits }) => crossEntropy(logits!, tg),
          })
        : model.forwardBackward(ids, {
            loss: ({ logits }) =>
              crossEntropy(logits!.reshape([B * T, V]), tg, scoreEvery > 1 ? { ignoreIndex: -100 } : {}),
          });
      clipGradNorm(model.parameters(), 1.0).dispose();
      opt.step();
      loss.itemSync();
      loss.dispose();
      return performance.now() - t0;
    },
    dispose() {
      opt.dispose();
      model.dispose();
      tg.dispose();
    },
  };
}

/** Whether `python3` can import torch (and why not). */
function torchAvailable(): string | null {
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'python3 cannot import torch (python3 -m pip install torch numpy)';
  }
}

interface TorchResult {
  torch: string;
  blas: string;
  threads: number;
  ms: number[];
}

function runTorch(spec: Record<string, unknown>): TorchResult {
  const script = fileURLToPath(new URL('./torch_train_step.py', import.meta.url));
  const out = execFileSync('python3', [script, JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, OMP_NUM_THREADS: String(spec.threads) },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as TorchResult;
}

/** SIMD flavour and threads; with `workers`, how many worker threads were ready (after `ready()`). */
function describe(backend: CpuBackend, workers = true): string {
  const i = backend.info();
  const ready = workers ? ` (${i.readyWorkers} workers ready)` : '';
  return `${i.simd} SIMD, ${i.threads} thread${i.threads === 1 ? '' : 's'}${ready}`;
}

function ratioLine(name: string, ours: number, torch: TorchResult | null, unit: string): string {
  const peer = torch ? median(torch.ms) : Number.NaN;
  const tail = torch
    ? `; PyTorch ${torch.torch} (${torch.blas}, ${torch.threads} threads) ${peer.toFixed(2)} ${unit}; ours/PyTorch ${(ours / peer).toFixed(2)}×`
    : '; PyTorch not measured';
  return `${name}: ours ${ours.toFixed(2)} ${unit}${tail}  [load ${load()}]`;
}

/**
 * Per-op kernel time of a step: the median over `steps` profiled steps of each op's total (robust to
 * the odd descheduled kernel on a busy machine), and the median step time.
 */
function breakdown(
  label: string,
  backend: CpuBackend,
  step: () => number,
  steps = 5,
): Map<string, { ms: number; calls: number }> {
  const profiles: Map<string, { ms: number; calls: number }>[] = [];
  const totals: number[] = [];
  for (let i = 0; i < steps; i++) {
    backend.startProfile();
    totals.push(step());
    profiles.push(backend.stopProfile());
  }
  const out = new Map<string, { ms: number; calls: number }>();
  for (const key of new Set(profiles.flatMap((p) => [...p.keys()]))) {
    out.set(key, {
      ms: median(profiles.map((p) => p.get(key)?.ms ?? 0)),
      calls: profiles[0]!.get(key)?.calls ?? 0,
    });
  }
  let kernels = 0;
  for (const e of out.values()) kernels += e.ms;
  console.log(
    `\n${label}: median step ${median(totals).toFixed(1)} ms over ${steps}, kernels ${kernels.toFixed(1)} ms (the rest: autograd, tensors, JS)`,
  );
  return out;
}

async function babySection(
  opts: CpuBackendOptions,
  torchMissing: string | null,
  rounds: number,
): Promise<void> {
  console.log('\n--- baby GPT (nanoGPT char-level CPU config), batch 12 × 64, one training step ---');
  const backend = createCpuBackend(opts);
  await backend.ready();
  const ours = trainer(BABY, 12, 64, backend);
  const config = resolveConfig(BABY) as ModelConfig;
  const oursMs: number[] = [];
  const torchMs: number[] = [];
  let torch: TorchResult | null = null;
  // Warm up to the steady state a training run lives in: V8 needs a few dozen steps to optimise the
  // autograd and op layers (after 2 warm-up steps a 10-round run still fell from 94 to 64 ms per
  // step over its rounds). PyTorch, compiled ahead of time, is steady after its 2 warm-up steps.
  for (let i = 0; i < 40; i++) ours.step();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 5; i++) oursMs.push(ours.step());
    if (!torchMissing) {
      torch = runTorch({
        mode: 'train',
        config,
        batch: 12,
        seqLen: 64,
        warmup: 2,
        steps: 5,
        threads: backend.info().threads,
      });
      torchMs.push(...torch.ms);
    }
    console.log(
      `  round ${r + 1}: ours ${median(oursMs.slice(-5)).toFixed(1)} ms${torch ? `, PyTorch ${median(torch.ms).toFixed(1)} ms` : ''} [load ${load()}]`,
    );
  }
  if (torch) torch.ms = torchMs;
  console.log(ratioLine(`baby GPT step (${describe(backend)})`, median(oursMs), torch, 'ms'));

  const after = breakdown('ours, per op (WebAssembly SIMD, threads)', backend, () => ours.step());
  ours.dispose();
  backend.dispose();
  const reference = createCpuBackend({ ...opts, wasm: false });
  const before = trainer(BABY, 12, 64, reference);
  before.step();
  const prior = breakdown('before (TypeScript reference kernels, one thread)', reference, () =>
    before.step(),
  );
  before.dispose();
  reference.dispose();
  const keys = [...new Set([...after.keys(), ...prior.keys()])].sort(
    (a, b) => (prior.get(b)?.ms ?? 0) - (prior.get(a)?.ms ?? 0),
  );
  printTable(
    ['op', 'calls', 'before ms', 'after ms', 'speed-up'],
    keys.map((k) => {
      const a = after.get(k);
      const p = prior.get(k);
      return [
        k,
        a?.calls ?? p?.calls ?? 0,
        (p?.ms ?? 0).toFixed(2),
        (a?.ms ?? 0).toFixed(2),
        a && p ? `${(p.ms / a.ms).toFixed(1)}×` : '',
      ];
    }),
  );
}

async function gpt2Section(opts: CpuBackendOptions, torchMissing: string | null): Promise<void> {
  console.log('\n--- GPT-2-small shapes (124M), batch 1 × 256, one training step ---');
  const backend = createCpuBackend(opts);
  await backend.ready();
  const ours = trainer(GPT2, 1, 256, backend);
  ours.step();
  const oursMs = [ours.step(), ours.step()];
  const path = describe(backend);
  ours.dispose();
  backend.dispose();
  const torch = torchMissing
    ? null
    : runTorch({
        mode: 'train',
        config: resolveConfig(GPT2),
        batch: 1,
        seqLen: 256,
        warmup: 1,
        steps: 2,
        threads: opts.threads!,
      });
  console.log(ratioLine(`GPT-2-small step, 1 × 256 (${path})`, median(oursMs), torch, 'ms'));
}

async function decodeSection(opts: CpuBackendOptions, torchMissing: string | null): Promise<void> {
  console.log('\n--- decoding with the KV cache, GPT-2-small shapes, 64-token prompt, greedy ---');
  const backend = createCpuBackend(opts);
  await backend.ready();
  const model = createModel(GPT2, { backend, seed: 0 });
  const prompt = Array.from({ length: 64 }, (_, i) => (i * 7919) % 50257);
  const gaps: number[] = [];
  for (let r = 0; r < 2; r++) {
    let last: number | undefined;
    for await (const _ of stream(model, prompt, { temperature: 0, maxNewTokens: 24 })) {
      const now = performance.now();
      if (last !== undefined) gaps.push(now - last);
      last = now;
    }
  }
  const path = describe(backend);
  model.dispose();
  backend.dispose();
  const torch = torchMissing
    ? null
    : runTorch({
        mode: 'decode',
        config: resolveConfig(GPT2),
        prompt: 64,
        tokens: 24,
        repeats: 2,
        threads: opts.threads!,
      });
  console.log(ratioLine(`per-token decoding latency (${path})`, median(gaps), torch, 'ms/token'));
}

async function demoSection(opts: CpuBackendOptions, torchMissing: string | null): Promise<void> {
  console.log(
    "\n--- the demo's SFT step: its Llama-style model (vocabulary 2048), batch 16 × 128, loss on every 5th position ---",
  );
  const config = resolveConfig(DEMO) as ModelConfig;
  const profiles: Map<string, { ms: number; calls: number }>[] = [];
  for (const at of [false, true]) {
    const backend = createCpuBackend(opts);
    await backend.ready();
    const ours = trainer(DEMO, 16, 128, backend, { scoreEvery: 5, at });
    for (let i = 0; i < 15; i++) ours.step();
    const oursMs = Array.from({ length: 10 }, () => ours.step());
    const torch = torchMissing
      ? null
      : runTorch({
          mode: 'train',
          config,
          batch: 16,
          seqLen: 128,
          warmup: 2,
          steps: 6,
          threads: backend.info().threads,
          scoreEvery: 5,
          gather: at,
        });
    const how = at ? 'logits at the scored positions' : 'logits everywhere, masked';
    console.log(ratioLine(`demo SFT step, ${how} (${describe(backend)})`, median(oursMs), torch, 'ms'));
    profiles.push(breakdown(`ours, per op, ${how}`, backend, () => ours.step()));
    ours.dispose();
    backend.dispose();
  }
  const [all, some] = profiles as [
    Map<string, { ms: number; calls: number }>,
    Map<string, { ms: number; calls: number }>,
  ];
  const keys = [...new Set([...all.keys(), ...some.keys()])]
    .sort((a, b) => (all.get(b)?.ms ?? 0) - (all.get(a)?.ms ?? 0))
    .slice(0, 16);
  printTable(
    ['op', 'calls', 'all logits ms', 'calls', 'at scored ms'],
    keys.map((k) => [
      k,
      all.get(k)?.calls ?? 0,
      (all.get(k)?.ms ?? 0).toFixed(2),
      some.get(k)?.calls ?? 0,
      (some.get(k)?.ms ?? 0).toFixed(2),
    ]),
  );
}

export async function run(args: readonly string[] = []): Promise<void> {
  const t = args.indexOf('--threads');
  const relaxed: CpuBackendOptions = args.includes('--relaxed') ? { relaxedSimd: 'enable-flag' } : {};
  const probe = createCpuBackend({ ...relaxed, ...(t >= 0 ? { threads: Number(args[t + 1]) } : {}) });
  const opts: CpuBackendOptions = { ...relaxed, threads: probe.info().threads };
  const r = args.indexOf('--rounds');
  const rounds = r >= 0 ? Math.max(1, Math.floor(Number(args[r + 1]))) : 3;
  if (!Number.isFinite(rounds))
    throw new TypeError(`cpu-train-step: --rounds expects a number, found ${args[r + 1]}`);
  const sections = args.filter((a) => ['baby', 'gpt2', 'decode', 'demo'].includes(a));
  const want = (s: string) => sections.length === 0 || sections.includes(s);
  const torchMissing = torchAvailable();
  console.log(`CPU backend: ${describe(probe, false)}; PyTorch: ${torchMissing ?? 'python3 + torch'}`);
  probe.dispose();
  defaultBackend(); // created up front so its (idle) pool does not land in a timed step
  if (want('baby')) await babySection(opts, torchMissing, rounds);
  if (want('gpt2')) await gpt2Section(opts, torchMissing);
  if (want('decode')) await decodeSection(opts, torchMissing);
  if (want('demo')) await demoSection(opts, torchMissing);
}
