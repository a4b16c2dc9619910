/**
 * `pnpm bench --only induction`: does the demo's model learn to copy from its context (form
 * induction heads), and as fast as the same model in PyTorch? Both train, in the same run, on the
 * same rows: packed copy documents `[0, s, s]` (s: 8–47 random ids from a range of `--range` ids),
 * the demo's Llama-style shape (4 layers, 4 heads, 4 key/value heads, width 128, SwiGLU, RMSNorm,
 * rotary positions, tied embeddings, vocabulary 2048, context 128), batch 16, AdamW (0.9, 0.99), no
 * weight decay, no clipping, linear warmup over 50 steps then a constant `--lr`, one thread each,
 * from the same initial weights (ours, written to `init.f32` and loaded by PyTorch's side).
 *
 * The probe, every `--every` steps: 8 rows `[0, r, r]` of 30 random ids from the same range; the
 * loss on the first copy (nothing to copy: ln(range) at best), the loss on the second copy after its
 * first token, and top-1 on it. A model that copies drives the second loss toward 0.
 *
 *   pnpm bench --only induction --steps 1500 [--range 128] [--lr 1e-3] [--every 250]
 *
 * Its figures are in @llmforge/sft-rlhf's README ("Teaching the base model to copy").
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdamW,
  createCpuBackend,
  crossEntropy,
  decayGroups,
  noGrad,
  tensor,
  tidy,
} from '@llmforge/tensor-gpu';
import { createModel, type Model, presets } from '@llmforge/transformer';

/** The shape and data of the experiment (PyTorch's side reads them from `config.json`). */
const SHAPE = {
  batch: 16,
  seq: 128,
  vocab: 2048,
  firstId: 8,
  minLen: 8,
  maxLen: 47,
  probeRows: 8,
  probeLen: 30,
};

/** Options of {@link inductionBench}. */
export interface InductionBenchOptions {
  out: string;
  steps: number;
  range: number;
  lr: number;
  every: number;
  here: string;
}

/** A seeded uniform [0, 1) stream (mulberry32): exact in float64, unlike an LCG on products > 2^53. */
function uniform(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Training rows (steps × batch × (seq + 1) ids) and probe rows (probeRows × (1 + 2·probeLen)). */
function makeData(steps: number, range: number): { rows: Int32Array; probe: Int32Array } {
  const { batch, seq, firstId, minLen, maxLen, probeRows, probeLen } = SHAPE;
  const rnd = uniform(987654321);
  const id = () => firstId + Math.floor(rnd() * range);
  const rows = new Int32Array(steps * batch * (seq + 1));
  for (let r = 0; r < steps * batch; r++) {
    const row: number[] = [];
    while (row.length < seq + 1) {
      const s = Array.from({ length: minLen + Math.floor(rnd() * (maxLen - minLen + 1)) }, id);
      row.push(0, ...s, ...s);
    }
    rows.set(row.slice(0, seq + 1), r * (seq + 1));
  }
  const probe: number[] = [];
  for (let p = 0; p < probeRows; p++) {
    const s = Array.from({ length: probeLen }, id);
    probe.push(0, ...s, ...s);
  }
  return { rows, probe: Int32Array.from(probe) };
}

/** One probe reading. */
interface ProbeReading {
  step: number;
  loss: number;
  first: number;
  second: number;
  top1: number;
  seconds: number;
}

/** First-copy loss, second-copy loss (after its first token) and top-1 from probe logits. */
function readProbe(logits: Float32Array, probe: Int32Array): { first: number; second: number; top1: number } {
  const { vocab: V, probeRows: P, probeLen: M } = SHAPE;
  const N = 1 + 2 * M;
  let first = 0;
  let second = 0;
  let top1 = 0;
  for (let b = 0; b < P; b++) {
    for (let i = 1; i < N; i++) {
      const o = (b * N + i - 1) * V;
      let max = -Infinity;
      let arg = 0;
      for (let v = 0; v < V; v++) {
        if (logits[o + v]! > max) {
          max = logits[o + v]!;
          arg = v;
        }
      }
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp(logits[o + v]! - max);
      const target = probe[b * N + i]!;
      const nll = Math.log(z) + max - logits[o + target]!;
      if (i <= M) first += nll / (P * M);
      else if (i >= M + 2) {
        second += nll / (P * (M - 1));
        top1 += (arg === target ? 1 : 0) / (P * (M - 1));
      }
    }
  }
  return { first, second, top1 };
}

/** Our model, one thread. */
function ourModel(): Model {
  const backend = createCpuBackend({ threads: 1 });
  return createModel(
    {
      ...presets['tiny-llama'],
      contextLength: SHAPE.seq,
      nKvHead: 4,
      tiedEmbeddings: true,
      vocabSize: SHAPE.vocab,
    },
    { backend, seed: 1 },
  );
}

/**
 * Writes the model's initial weights for PyTorch's side: `init.f32` (every parameter, in
 * `namedParameters` order, row-major) and `init.json` (their names and shapes), so that both sides
 * start from the same point and differ only by float rounding.
 */
function writeInit(model: Model, dir: string): void {
  const params = [...model.namedParameters()];
  const data = params.map(([, p]) => p.dataSync() as Float32Array);
  const all = new Float32Array(data.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of data) {
    all.set(d, at);
    at += d.length;
  }
  writeFileSync(join(dir, 'init.f32'), all);
  writeFileSync(
    join(dir, 'init.json'),
    JSON.stringify(params.map(([name, p]) => ({ name, shape: p.shape }))),
  );
}

/** Trains our model on the rows and returns the probe readings. */
function trainOurs(
  o: InductionBenchOptions,
  model: Model,
  rows: Int32Array,
  probe: Int32Array,
): ProbeReading[] {
  const { batch: B, seq: T, vocab: V, probeRows: P, probeLen: M } = SHAPE;
  const backend = model.backend;
  const optimizer = new AdamW(decayGroups(model.namedParameters(), 0), { lr: o.lr, betas: [0.9, 0.99] });
  const readings: ProbeReading[] = [];
  const t0 = performance.now();
  let avg = 0;
  for (let step = 1; step <= o.steps; step++) {
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const at = ((step - 1) * B + b) * (T + 1);
      x.set(rows.subarray(at, at + T), b * T);
      y.set(rows.subarray(at + 1, at + T + 1), b * T);
    }
    optimizer.setLr(o.lr * Math.min(1, step / 50));
    const loss = tidy(() =>
      model.forwardBackward(tensor(x, [B, T], 'i32', backend), {
        loss: ({ logits }) => crossEntropy(logits!.reshape([-1, V]), tensor(y, [B * T], 'i32', backend)),
      }),
    );
    const value = loss.dataSync()[0]!;
    loss.dispose();
    optimizer.step();
    optimizer.zeroGrad();
    avg = step === 1 ? value : 0.95 * avg + 0.05 * value;
    if (step % o.every === 0 || step === o.steps) {
      const logits = noGrad(() =>
        tidy(() => model.forward(tensor(probe, [P, 1 + 2 * M], 'i32', backend), { logits: 'all' }).logits!),
      );
      const p = readProbe(logits.dataSync() as Float32Array, probe);
      logits.dispose();
      readings.push({ step, loss: avg, ...p, seconds: (performance.now() - t0) / 1000 });
    }
  }
  return readings;
}

/** Runs PyTorch's twin (bench/induction.py) on the same files, one thread; null without torch. */
function trainTorch(o: InductionBenchOptions, dir: string): Promise<ProbeReading[] | null> {
  return new Promise((resolve) => {
    const child = spawn('python3', [join(o.here, 'induction.py'), dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) {
        console.log(`PyTorch side did not run (exit ${code}): ${stderr.trim().split('\n').pop()}`);
        resolve(null);
        return;
      }
      resolve(
        stdout
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as ProbeReading),
      );
    });
  });
}

/** Writes the data, trains both (PyTorch in a child process beside ours), prints the table. */
export async function inductionBench(o: InductionBenchOptions): Promise<void> {
  for (const [flag, value, ok] of [
    ['--steps', o.steps, Number.isInteger(o.steps) && o.steps > 0],
    ['--range', o.range, Number.isInteger(o.range) && o.range >= 2 && SHAPE.firstId + o.range <= SHAPE.vocab],
    ['--lr', o.lr, o.lr > 0 && Number.isFinite(o.lr)],
    ['--every', o.every, Number.isInteger(o.every) && o.every > 0],
  ] as const) {
    if (!ok)
      throw new RangeError(
        `bench induction: ${flag} must be a positive ${flag === '--lr' ? 'number' : 'integer'}${flag === '--range' ? ` of at most ${SHAPE.vocab - SHAPE.firstId}` : ''}, got ${value}`,
      );
  }
  const dir = join(o.out, 'induction');
  mkdirSync(dir, { recursive: true });
  const { rows, probe } = makeData(o.steps, o.range);
  writeFileSync(join(dir, 'rows.i32'), rows);
  writeFileSync(join(dir, 'probe.i32'), probe);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ ...SHAPE, steps: o.steps, lr: o.lr, every: o.every }),
  );
  console.log(
    `\n== induction: ${o.steps} steps of copy rows over ${o.range} ids, lr ${o.lr}, one thread each (ln ${o.range} = ${Math.log(o.range).toFixed(2)})`,
  );
  const model = ourModel();
  writeInit(model, dir);
  const torch = trainTorch(o, dir);
  const ours = trainOurs(o, model, rows, probe);
  const theirs = await torch;
  const cell = (r: ProbeReading | undefined) =>
    r
      ? `${r.loss.toFixed(3)} | ${r.first.toFixed(2)} | ${r.second.toFixed(2)} | ${(r.top1 * 100).toFixed(0)} %`
      : '– | – | – | –';
  console.log(
    '| step | ours train loss | ours first copy | ours second copy | ours top-1 | PyTorch train loss | PyTorch first copy | PyTorch second copy | PyTorch top-1 |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of ours)
    console.log(`| ${r.step} | ${cell(r)} | ${cell(theirs?.find((t) => t.step === r.step))} |`);
  const last = ours[ours.length - 1]!;
  const lastTorch = theirs?.[theirs.length - 1];
  console.log(
    `wall: ours ${last.seconds.toFixed(0)} s${lastTorch ? `, PyTorch ${lastTorch.seconds.toFixed(0)} s (ratio ${(last.seconds / lastTorch.seconds).toFixed(2)}×)` : ''}`,
  );
}
