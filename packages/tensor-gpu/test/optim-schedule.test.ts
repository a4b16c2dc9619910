import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineSchedule,
  createSchedule,
  linearSchedule,
  wsdSchedule,
} from '../src/optim/lr-schedule.js';
import { OptimizerConfigError } from '../src/optim/optimizer-config-error.js';

// Reference values: the formulas of Hugging Face's get_cosine_schedule_with_warmup /
// get_linear_schedule_with_warmup (lr · lambda(step)), written out per step below.
describe('learning-rate schedules', () => {
  it('constant: linear warmup from 0, then the peak', () => {
    const s = constantSchedule({ lr: 3e-4, warmupSteps: 100 });
    expect(s(0)).toBe(0);
    expect(s(50)).toBeCloseTo(1.5e-4, 15);
    expect(s(100)).toBe(3e-4);
    expect(s(1e6)).toBe(3e-4);
    expect(constantSchedule({ lr: 2 })(0)).toBe(2);
  });

  it('linear: HF get_linear_schedule_with_warmup', () => {
    const s = linearSchedule({ lr: 1, warmupSteps: 10, totalSteps: 110 });
    // lambda = step/10 during warmup, then (110 - step) / 100, floored at 0
    for (const step of [0, 3, 10, 37, 60, 109, 110, 200]) {
      const ref = step < 10 ? step / 10 : Math.max(0, (110 - step) / 100);
      expect(s(step)).toBeCloseTo(ref, 12);
    }
    const floor = linearSchedule({ lr: 1, totalSteps: 4, minLr: 0.2 });
    expect([0, 1, 2, 3, 4, 5].map(floor)).toEqual(
      [1, 0.8, 0.6, 0.4, 0.2, 0.2].map((x) => expect.closeTo(x, 12)),
    );
  });

  it('cosine: HF get_cosine_schedule_with_warmup, and a floor', () => {
    const s = cosineSchedule({ lr: 1, warmupSteps: 10, totalSteps: 110 });
    for (const step of [0, 5, 10, 35, 60, 85, 110, 150]) {
      // HF's cosine rises again after totalSteps; ours (like nanoGPT) holds the floor: clamp progress.
      const progress = Math.min(1, (step - 10) / 100);
      const ref = step < 10 ? step / 10 : Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
      expect(s(step)).toBeCloseTo(ref, 12);
    }
    const floored = cosineSchedule({ lr: 1e-3, warmupSteps: 10, totalSteps: 110, minLr: 1e-4 });
    expect(floored(10)).toBeCloseTo(1e-3, 15);
    expect(floored(60)).toBeCloseTo(5.5e-4, 15);
    expect(floored(110)).toBeCloseTo(1e-4, 15);
    expect(floored(10_000)).toBeCloseTo(1e-4, 15);
    // monotone non-increasing after warmup
    for (let t = 10; t < 110; t++) expect(floored(t + 1)).toBeLessThanOrEqual(floored(t));
  });

  it('wsd: warmup, stable, then linear / cosine / sqrt decay over the last decaySteps', () => {
    const base = { lr: 1, warmupSteps: 10, totalSteps: 100, decaySteps: 20 };
    const lin = wsdSchedule(base);
    expect([0, 5, 10, 50, 79, 80, 90, 100, 120].map(lin)).toEqual(
      [0, 0.5, 1, 1, 1, 1, 0.5, 0, 0].map((x) => expect.closeTo(x, 12)),
    );
    const cos = wsdSchedule({ ...base, decayShape: 'cosine', minLr: 0.1 });
    expect(cos(90)).toBeCloseTo(0.55, 12);
    expect(cos(85)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    const sqrt = wsdSchedule({ ...base, decayShape: 'sqrt' });
    expect(sqrt(85)).toBeCloseTo(1 - Math.sqrt(0.25), 12);
  });

  it('createSchedule builds each kind from JSON', () => {
    const config = { type: 'cosine', lr: 6e-4, warmupSteps: 100, totalSteps: 5000, minLr: 6e-5 } as const;
    const s = createSchedule(JSON.parse(JSON.stringify(config)));
    const direct = cosineSchedule(config);
    for (const step of [0, 99, 100, 2500, 5000]) expect(s(step)).toBe(direct(step));
    expect(createSchedule({ type: 'constant', lr: 1 })(3)).toBe(1);
    expect(createSchedule({ type: 'linear', lr: 1, totalSteps: 2 })(1)).toBe(0.5);
    expect(createSchedule({ type: 'wsd', lr: 1, totalSteps: 2, decaySteps: 2 })(1)).toBe(0.5);
  });

  it('rejects bad configs with OptimizerConfigError naming the schedule', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => cosineSchedule({ lr: -1, totalSteps: 10 }), /cosineSchedule: expected lr/],
      [
        () => cosineSchedule({ lr: 1, warmupSteps: 20, totalSteps: 10 }),
        /totalSteps an integer >= warmupSteps \(20\)/,
      ],
      [() => linearSchedule({ lr: 1, totalSteps: 10, minLr: 2 }), /minLr in \[0, lr=1\]/],
      [
        () => wsdSchedule({ lr: 1, warmupSteps: 5, totalSteps: 10, decaySteps: 6 }),
        /warmupSteps \+ decaySteps/,
      ],
      [() => createSchedule({ type: 'step' } as never), /createSchedule: expected type/],
      [() => constantSchedule({ lr: 1 })(-1), /step a number >= 0/],
    ];
    for (const [fn, re] of cases) {
      try {
        fn();
        expect.fail(`no error for ${re}`);
      } catch (e) {
        expect(OptimizerConfigError.isInstance(e)).toBe(true);
        expect((e as Error).message).toMatch(re);
      }
    }
  });
});
