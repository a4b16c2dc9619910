import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adamwCpu } from '../src/cpu/kernels/adamw.js';
import { crossEntropyBackwardCpu, crossEntropyCpu } from '../src/cpu/kernels/cross-entropy.js';
import { ropeCpu } from '../src/cpu/kernels/rope.js';
import { ShapeError } from '../src/errors.js';
import {
  dot,
  maxAbs,
  maxAbsDiff,
  numericGrad,
  randn32,
  randn64,
  readFixture,
} from './cpu-kernels-helpers.js';

describe('crossEntropyCpu vs the PyTorch fixture (gpt2-tiny)', () => {
  it('reproduces HF GPT-2 loss 4.62918 from the fixture logits (shifted labels, ignore -100)', () => {
    const ex = readFixture('gpt2-tiny/expected.safetensors');
    const logits = ex.get('logits')!; // (2, 24, 98)
    const labels = ex.get('labels')!.data as Int32Array; // (2, 24)
    const [B, T, V] = logits.shape as [number, number, number];
    // HF shifts inside the model: logits[:, :-1] predict labels[:, 1:].
    const N = B * (T - 1);
    const rows = new Float32Array(N * V);
    const targets = new Int32Array(N);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T - 1; t++) {
        rows.set(logits.data.subarray((b * T + t) * V, (b * T + t + 1) * V), (b * (T - 1) + t) * V);
        targets[b * (T - 1) + t] = labels[b * T + t + 1]!;
      }
    }
    const loss = new Float32Array(N);
    const lse = new Float32Array(N);
    crossEntropyCpu(rows, targets, null, loss, lse, { N, V, ignoreIndex: -100 });
    const counted = targets.filter((t) => t !== -100).length;
    expect(counted).toBeLessThan(N); // the fixture does contain ignored rows
    const mean = loss.reduce((s, x) => s + x, 0) / counted;
    const expected = ex.get('loss')!.data[0]!;
    expect(Math.abs(mean - expected)).toBeLessThan(2e-6);
    expect(expected).toBeCloseTo(4.62918, 5);
  });
});

describe('crossEntropyCpu', () => {
  const N = 6;
  const V = 9;
  it('forward matches −log softmax[target] in float64, with weights and ignored rows', () => {
    const logits = randn64(N * V, 1, 4);
    const targets = new Int32Array([0, 8, -100, 3, 4, 4]);
    const weights = randn64(N, 2).map((w) => Math.abs(w) + 0.1);
    const loss = new Float64Array(N);
    const lse = new Float64Array(N);
    crossEntropyCpu(logits, targets, weights, loss, lse, { N, V, ignoreIndex: -100 });
    for (let i = 0; i < N; i++) {
      const row = logits.subarray(i * V, (i + 1) * V);
      const z = Math.log(row.reduce((s, x) => s + Math.exp(x), 0));
      expect(lse[i]).toBeCloseTo(z, 12);
      const t = targets[i]!;
      expect(loss[i]).toBeCloseTo(t === -100 ? 0 : weights[i]! * (z - row[t]!), 12);
    }
  });

  it('backward matches float64 finite differences of Σ dloss·loss', () => {
    const logits = randn64(N * V, 3, 3);
    const targets = new Int32Array([1, -1, 2, 8, 0, 5]); // ignoreIndex -1 here
    const weights = randn64(N, 4);
    const dloss = randn64(N, 5);
    const loss = new Float64Array(N);
    const lse = new Float64Array(N);
    const spec = { N, V, ignoreIndex: -1 };
    const f = () => {
      crossEntropyCpu(logits, targets, weights, loss, lse, spec);
      return dot(loss, dloss);
    };
    const num = numericGrad(logits, f);
    crossEntropyCpu(logits, targets, weights, loss, lse, spec);
    const d = new Float64Array(N * V).fill(Number.NaN);
    crossEntropyBackwardCpu(dloss, logits, targets, weights, lse, d, spec);
    expect(maxAbsDiff(d, num)).toBeLessThan(1e-8);
    expect([...d.subarray(V, 2 * V)].every((x) => x === 0)).toBe(true);
  });

  it('raises a ShapeError naming the row when a target is out of range', () => {
    const run = () =>
      crossEntropyCpu(
        new Float32Array(6),
        new Int32Array([1, 3]),
        null,
        new Float32Array(2),
        new Float32Array(2),
        {
          N: 2,
          V: 3,
          ignoreIndex: -100,
        },
      );
    expect(run).toThrowError(/crossEntropy: expected every target in \[0, 3\).*target 3 at row 1/);
    try {
      run();
    } catch (e) {
      expect(ShapeError.isInstance(e)).toBe(true);
    }
  });
});

describe('ropeCpu (rotate-half, HF Llama layout)', () => {
  const BH = 3;
  const T = 5;
  const D = 8;
  const theta = 10000;

  it('matches the HF formula x·cos + rotate_half(x)·sin with positions offset..offset+T', () => {
    const x = randn64(BH * T * D, 1);
    const out = new Float64Array(x.length);
    const offset = 7;
    ropeCpu(x, out, { BH, T, D, theta, offset });
    const half = D / 2;
    for (let bh = 0; bh < BH; bh++) {
      for (let t = 0; t < T; t++) {
        const base = (bh * T + t) * D;
        for (let c = 0; c < D; c++) {
          // HF: emb = cat(freqs, freqs); rotate_half(x) = cat(-x2, x1)
          const invFreq = 1 / theta ** ((2 * (c % half)) / D);
          const ang = (offset + t) * invFreq;
          const rot = c < half ? -x[base + c + half]! : x[base + c - half]!;
          expect(out[base + c]).toBeCloseTo(x[base + c]! * Math.cos(ang) + rot * Math.sin(ang), 12);
        }
      }
    }
  });

  it('inverse undoes forward, and is its exact gradient (finite differences)', () => {
    const x = randn64(BH * T * D, 2);
    const spec = { BH, T, D, theta, offset: 3 };
    const y = new Float64Array(x.length);
    ropeCpu(x, y, spec);
    const back = new Float64Array(x.length);
    ropeCpu(y, back, { ...spec, inverse: true });
    expect(maxAbsDiff(back, x)).toBeLessThan(1e-14);
    const dy = randn64(x.length, 3);
    const num = numericGrad(x, () => {
      ropeCpu(x, y, spec);
      return dot(y, dy);
    });
    const dx = new Float64Array(x.length);
    ropeCpu(dy, dx, { ...spec, inverse: true });
    expect(maxAbsDiff(dx, num)).toBeLessThan(1e-8);
  });

  it('works in place on float32', () => {
    const x = randn32(BH * T * D, 4);
    const copy = new Float32Array(x);
    const ref = new Float32Array(x.length);
    ropeCpu(copy, ref, { BH, T, D, theta: 500000, offset: 0 });
    ropeCpu(x, x, { BH, T, D, theta: 500000, offset: 0 });
    expect(maxAbsDiff(x, ref)).toBe(0);
    // position 0 is the identity
    expect(maxAbsDiff(x.subarray(0, D), copy.subarray(0, D))).toBe(0);
  });
});

describe('adamwCpu vs torch.optim.AdamW (gpt2-tiny fixture)', () => {
  it('one step from the fixture grads reproduces after_adamw.* for every parameter', () => {
    const model = readFixture('gpt2-tiny/model.safetensors');
    const ex = readFixture('gpt2-tiny/expected.safetensors');
    const hp = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../../fixtures/gpt2-tiny/expected.json', import.meta.url)),
        'utf8',
      ),
    ) as { adamw: { lr: number; betas: [number, number]; eps: number; weight_decay: number } };
    let checked = 0;
    for (const [name, tensor] of model) {
      const grad = ex.get(`grad.${name}`);
      const after = ex.get(`after_adamw.${name}`);
      if (!grad || !after) continue;
      const p = new Float32Array(tensor.data as Float32Array);
      const m = new Float32Array(p.length);
      const v = new Float32Array(p.length);
      adamwCpu(p, m, v, grad.data as Float32Array, {
        lr: hp.adamw.lr,
        beta1: hp.adamw.betas[0],
        beta2: hp.adamw.betas[1],
        eps: hp.adamw.eps,
        weightDecay: hp.adamw.weight_decay,
        step: 1,
      });
      // float32 storage: agree to a few ulps of the parameter magnitude.
      expect(maxAbsDiff(p, after.data)).toBeLessThan(4e-7 * Math.max(1, maxAbs(after.data)));
      checked++;
    }
    expect(checked).toBe(28);
  });

  it('several steps match a float64 transcription of torch’s update rule', () => {
    const n = 50;
    const p = randn64(n, 1);
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    const pr = new Float64Array(p);
    const mr = new Float64Array(n);
    const vr = new Float64Array(n);
    const hp = { lr: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    for (let step = 1; step <= 5; step++) {
      const g = randn64(n, 100 + step);
      adamwCpu(p, m, v, g, { ...hp, step });
      for (let i = 0; i < n; i++) {
        pr[i] = pr[i]! * (1 - hp.lr * hp.weightDecay);
        mr[i] = mr[i]! + (g[i]! - mr[i]!) * (1 - hp.beta1); // torch: exp_avg.lerp_(grad, 1 - beta1)
        vr[i] = vr[i]! * hp.beta2 + (1 - hp.beta2) * g[i]! * g[i]!;
        const denom = Math.sqrt(vr[i]!) / Math.sqrt(1 - hp.beta2 ** step) + hp.eps;
        pr[i] = pr[i]! - (hp.lr / (1 - hp.beta1 ** step)) * (mr[i]! / denom);
      }
    }
    expect(maxAbsDiff(p, pr)).toBeLessThan(1e-14);
    expect(maxAbsDiff(m, mr)).toBeLessThan(1e-15);
  });
});
