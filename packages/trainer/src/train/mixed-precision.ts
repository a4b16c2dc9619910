/**
 * Mixed-precision training (Micikevicius et al. 2018, "Mixed Precision Training"): the forward and
 * backward passes run in f16 on a compute copy of the model, while the optimizer updates f32 master
 * weights; the loss is multiplied by a scale S before backpropagation so that small gradients do
 * not flush to zero in f16, and the gradients are divided by S before the update.
 *
 * ```
 * master (f32) ──cast──► compute copy (f16) ─► forward/backward of S · loss ─► f16 grads
 *      ▲                                                                           │ cast, ÷ S, accumulate
 *      └──────────── AdamW step ◄── clip ◄── finite? ◄── master grads (f32) ◄──────┘
 * ```
 *
 * Dynamic loss scaling (torch's GradScaler): when a gradient is infinite or NaN the step is
 * skipped and S halves; after `growthInterval` clean steps in a row S doubles.
 *
 * On the CPU backend f16 tensors store half bits and compute each op in f32 (rounding the result
 * to half), which is what an f16-storage GPU kernel with f32 accumulation gives; WebGPU needs the
 * `shader-f16` feature.
 */

import { type Backend, noGrad, type Tensor, tidy } from '@llmforge/tensor-gpu';
import { createModel, type Model } from '@llmforge/transformer';

/** The saved state of a {@link LossScaler}. */
export interface LossScalerState {
  scale: number;
  goodSteps: number;
}

/**
 * Dynamic loss scaling: halve on overflow, double after `growthInterval` clean steps.
 *
 * @example
 * ```ts
 * const scaler = new LossScaler({ initial: 65536, growthInterval: 2000 });
 * const finite = Number.isFinite(gradNorm);
 * scaler.update(finite); // skip the optimizer step when !finite
 * ```
 */
export class LossScaler {
  scale: number;
  goodSteps = 0;
  readonly growthInterval: number;
  /** Steps skipped because of an overflow, since construction. */
  skipped = 0;

  constructor(o: { initial: number; growthInterval: number }) {
    this.scale = o.initial;
    this.growthInterval = o.growthInterval;
  }

  /** Records one step's outcome and adjusts the scale. */
  update(finite: boolean): void {
    if (!finite) {
      this.scale /= 2;
      this.goodSteps = 0;
      this.skipped++;
      return;
    }
    this.goodSteps++;
    if (this.goodSteps >= this.growthInterval) {
      this.scale *= 2;
      this.goodSteps = 0;
    }
  }

  state(): LossScalerState {
    return { scale: this.scale, goodSteps: this.goodSteps };
  }

  setState(s: LossScalerState): void {
    this.scale = s.scale;
    this.goodSteps = s.goodSteps;
  }
}

/**
 * An f16 compute copy of an f32 master model.
 *
 * @example
 * ```ts
 * const half = new HalfPrecisionCopy(model);
 * half.pull();                                     // master → f16
 * half.model.forwardBackward(ids, { loss: lmLoss(y, scale) });
 * half.pushGrads(1 / scale);                       // f16 grads → master.grad (f32), unscaled
 * ```
 */
export class HalfPrecisionCopy {
  /** The f16 model to run forward and backward on. */
  readonly model: Model;
  private readonly pairs: [master: Tensor, half: Tensor][];

  constructor(readonly master: Model) {
    this.model = createModel(master.config, { backend: master.backend, dtype: 'f16', init: false });
    const halves = new Map(this.model.namedParameters());
    this.pairs = master.namedParameters().map(([name, p]) => [p, halves.get(name)!]);
    this.pull();
  }

  /** Copies the master weights into the f16 copy (rounding to nearest even). */
  pull(): void {
    noGrad(() => {
      for (const [m, h] of this.pairs) tidy(() => h.assign(m.cast('f16')));
    });
  }

  /** Adds `factor` · (f16 gradients) to the master gradients (in f32) and clears the f16 ones. */
  pushGrads(factor: number): void {
    noGrad(() => {
      for (const [m, h] of this.pairs) {
        const g = h.grad;
        if (g === null) continue;
        const g32 = tidy(() => g.cast('f32').mul(factor));
        m.grad = m.grad === null ? g32 : tidy(() => m.grad!.add(g32));
        if (m.grad !== g32) g32.dispose();
        h.zeroGrad();
      }
    });
  }

  /** The backend of both copies. */
  get backend(): Backend {
    return this.master.backend;
  }

  /** Frees the f16 copy. */
  dispose(): void {
    this.model.dispose();
  }
}
