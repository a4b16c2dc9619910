import { describe, expect, it } from 'vitest';
import {
  entropyFromLogits,
  klEstimate,
  LossInputError,
  PPO_DEFAULTS,
  ppoLoss,
  ppoPolicyLoss,
  ppoValueLoss,
  tokenRewards,
} from '../src/index.js';
import { expectClose, f64, gradcheck, values } from './helpers/gradcheck.js';

describe('KL estimators', () => {
  it('worked example: log π = −1, log π_ref = −2', () => {
    const lp = f64([-1], [1]);
    const ref = f64([-2], [1]);
    expect(values(klEstimate(lp, ref, 'k1'))[0]).toBeCloseTo(1, 14);
    expect(values(klEstimate(lp, ref, 'k2'))[0]).toBeCloseTo(0.5, 14);
    expect(values(klEstimate(lp, ref, 'k3'))[0]).toBeCloseTo(Math.exp(-1), 14);
  });

  it('k1 and k3 are unbiased: weighted by π over the whole vocabulary they give the exact KL(π ‖ π_ref)', () => {
    const logits = [0.3, -1.2, 2.0, 0.1, -0.5];
    const refLogits = [0.9, 0.2, 1.1, -0.7, 0.0];
    const logSoftmax = (z: number[]) => {
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
      return z.map((x) => x - lse);
    };
    const lp = logSoftmax(logits);
    const lq = logSoftmax(refLogits);
    const p = lp.map(Math.exp);
    const kl = p.reduce((s, pi, i) => s + pi * (lp[i]! - lq[i]!), 0);
    expect(kl).toBeGreaterThan(0.1);
    for (const est of ['k1', 'k3'] as const) {
      const k = values(klEstimate(f64(lp, [5]), f64(lq, [5]), est));
      expect(k.reduce((s, ki, i) => s + p[i]! * ki, 0)).toBeCloseTo(kl, 12);
    }
    const k2 = values(klEstimate(f64(lp, [5]), f64(lq, [5]), 'k2'));
    expect(k2.every((x) => x >= 0)).toBe(true);
    expect(values(klEstimate(f64(lp, [5]), f64(lq, [5]), 'k3')).every((x) => x >= 0)).toBe(true);
  });

  it('has correct gradients in both arguments', () => {
    for (const est of ['k1', 'k2', 'k3'] as const) {
      gradcheck(
        [
          { data: [-1, -0.3, -2.2], shape: [3] },
          { data: [-1.5, -0.1, -2.0], shape: [3] },
        ],
        (a, b) => klEstimate(a!, b!, est),
      );
    }
    expect(() => klEstimate(f64([0], [1]), f64([0], [1]), 'k4' as never)).toThrow(
      /expected 'k1', 'k2' or 'k3'/,
    );
  });
});

describe('PPO policy loss', () => {
  // ratios r = [1.5, 0.5, 1.1, 1.5], advantages [1, 1, −1, −1], the last token masked:
  //   t0: max(−1.5, −1.2) = −1.2 (clipped);  t1: max(−0.5, −0.8) = −0.5;  t2: max(1.1, 1.1) = 1.1
  //   loss = (−1.2 − 0.5 + 1.1) / 3 = −0.2;  clip fraction 1/3
  const ratios = [1.5, 0.5, 1.1, 1.5];
  const input = () => ({
    logProbs: f64(ratios.map(Math.log), [1, 4]).requireGrad(),
    oldLogProbs: f64([0, 0, 0, 0], [1, 4]),
    advantages: f64([1, 1, -1, -1], [1, 4]),
    mask: f64([1, 1, 1, 0], [1, 4]),
  });

  it('matches the hand-computed loss and statistics', () => {
    const out = ppoPolicyLoss(input());
    expect(values(out.loss)[0]).toBeCloseTo(-0.2, 14);
    expect(values(out.clipFraction)[0]).toBeCloseTo(1 / 3, 14);
    expect(values(out.ratioMean)[0]).toBeCloseTo((1.5 + 0.5 + 1.1) / 3, 14);
    const l = [1.5, 0.5, 1.1].map((r) => Math.log(r) ** 2);
    expect(values(out.approxKl)[0]).toBeCloseTo((0.5 * (l[0]! + l[1]! + l[2]!)) / 3, 14);
  });

  it('passes no gradient through clipped or masked tokens (d/dlogπ = −A·r/n elsewhere)', () => {
    const i = input();
    ppoPolicyLoss(i).loss.backward();
    const g = values(i.logProbs.grad!);
    expectClose(g, [0, -0.5 / 3, 1.1 / 3, 0], 14);
    gradcheck(
      [
        { data: [0.1, -0.05, 0.3, -0.4, 0.02, 0.5], shape: [2, 3] },
        { data: [0, 0, 0, 0, 0, 0], shape: [2, 3], grad: false },
        { data: [1, -1, 0.5, -0.5, 2, 1], shape: [2, 3], grad: false },
        { data: [1, 1, 1, 1, 1, 0], shape: [2, 3], grad: false },
      ],
      (lp, old, adv, m) =>
        ppoPolicyLoss({ logProbs: lp!, oldLogProbs: old!, advantages: adv!, mask: m! }).loss,
    );
  });
});

describe('PPO value loss', () => {
  // v = [1, 0, 0.5], v_old = 0.5, returns [2, 1, 0.5], ε = 0.2:
  //   t0: clipped v = 0.7: max((1 − 2)², (0.7 − 2)²) = 1.69 (clipped);  t1: max(1, 0.49) = 1;  t2: 0
  //   loss = ½ · (1.69 + 1 + 0) / 3 = 0.448333…
  it('matches the hand-computed loss, clip fraction and gradients', () => {
    const v = f64([1, 0, 0.5], [1, 3]).requireGrad();
    const out = ppoValueLoss({
      values: v,
      oldValues: f64([0.5, 0.5, 0.5], [1, 3]),
      returns: f64([2, 1, 0.5], [1, 3]),
      mask: f64([1, 1, 1], [1, 3]),
    });
    expect(values(out.loss)[0]).toBeCloseTo((0.5 * 2.69) / 3, 14);
    expect(values(out.clipFraction)[0]).toBeCloseTo(1 / 3, 14);
    out.loss.backward();
    expectClose(values(v.grad!), [0, -1 / 3, 0], 14);
    gradcheck(
      [
        { data: [0.9, 0.1, 0.45, -0.3], shape: [1, 4] },
        { data: [0.5, 0.5, 0.5, 0], shape: [1, 4], grad: false },
        { data: [2, 1, 0.3, 0.2], shape: [1, 4], grad: false },
        { data: [1, 1, 1, 1], shape: [1, 4], grad: false },
      ],
      (vv, old, ret, m) => ppoValueLoss({ values: vv!, oldValues: old!, returns: ret!, mask: m! }).loss,
    );
  });

  it('combines with the policy loss at vfCoef 0.1 (TRL defaults)', () => {
    expect(PPO_DEFAULTS).toMatchObject({
      clipRange: 0.2,
      clipRangeValue: 0.2,
      vfCoef: 0.1,
      klCoef: 0.05,
      gamma: 1,
      lambda: 0.95,
      epochs: 4,
      klEstimator: 'k1',
    });
    const common = {
      oldLogProbs: f64([0, 0, 0], [1, 3]),
      advantages: f64([1, 1, -1], [1, 3]),
      mask: f64([1, 1, 1], [1, 3]),
    };
    const out = ppoLoss({
      ...common,
      logProbs: f64([1.5, 0.5, 1.1].map(Math.log), [1, 3]),
      values: f64([1, 0, 0.5], [1, 3]),
      oldValues: f64([0.5, 0.5, 0.5], [1, 3]),
      returns: f64([2, 1, 0.5], [1, 3]),
    });
    expect(values(out.policyLoss)[0]).toBeCloseTo(-0.2, 14);
    expect(values(out.valueLoss)[0]).toBeCloseTo((0.5 * 2.69) / 3, 14);
    expect(values(out.loss)[0]).toBeCloseTo(-0.2 + (0.1 * 0.5 * 2.69) / 3, 14);
    expect(() => ppoPolicyLoss({ ...common, logProbs: f64([0, 0], [1, 2]) })).toThrow(LossInputError);
    expect(() => ppoPolicyLoss({ ...common, logProbs: f64([0, 0, 0], [1, 3]), clipRange: 0 })).toThrow(
      /option clipRange: expected a finite number > 0/,
    );
  });
});

describe('token rewards', () => {
  it('puts −klCoef·kl on every token and each score at its position', () => {
    const kl = f64([0.1, 0.2, 0.3, -0.1, 0.0, 0.5], [2, 3]);
    const r = values(tokenRewards(kl, [1, 2], [2, 1], { klCoef: 0.05 }));
    expectClose(r, [-0.005, -0.01, -0.015 + 1, 0.005, 2, -0.025], 14);
    expect(values(tokenRewards(kl, f64([1, 2], [2]), [2, 1], { klCoef: 0.05 }))).toEqual(r);
    expect(() => tokenRewards(kl, [1], [2], {})).toThrow(/expected 2 scores and 2 positions in \[0, 3\)/);
  });
});

describe('entropy from logits', () => {
  it('is ln V for uniform logits and matches −Σ p log p', () => {
    expect(values(entropyFromLogits(f64([0, 0, 0, 0], [1, 4])))[0]).toBeCloseTo(Math.log(4), 14);
    // p = [1/4, 3/4]
    expect(values(entropyFromLogits(f64([0, Math.log(3)], [2])))[0]).toBeCloseTo(
      -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)),
      14,
    );
    expect(values(entropyFromLogits(f64([1000, 0, -1000], [3])))[0]).toBeCloseTo(0, 12);
    gradcheck([{ data: [0.5, -1, 2, 0.1, 0.3, -0.7], shape: [2, 3] }], (l) => entropyFromLogits(l!));
  });
});
