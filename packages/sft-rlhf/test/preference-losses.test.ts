import { describe, expect, it } from 'vitest';
import {
  bradleyTerryLoss,
  type DpoInput,
  dpoLoss,
  groupAdvantages,
  grpoLoss,
  logSigmoid,
  sequenceLogProbs,
} from '../src/index.js';
import { expectClose, f64, gradcheck, values } from './helpers/gradcheck.js';

const logSigmoidRef = (x: number) => -Math.log1p(Math.exp(-x));

describe('logSigmoid', () => {
  it('is stable at both ends and has the right gradient', () => {
    const y = values(logSigmoid(f64([0, 2, -1000, 1000], [4])));
    expect(y[0]).toBeCloseTo(-Math.LN2, 14);
    expect(y[1]).toBeCloseTo(logSigmoidRef(2), 14);
    expect(y[2]).toBe(-1000);
    expect(y[3]).toBe(0);
    gradcheck([{ data: [-3, -0.5, 0.7, 4], shape: [4] }], (x) => logSigmoid(x!));
  });
});

describe('Bradley–Terry reward loss', () => {
  // chosen [2, 0], rejected [0, 1]: differences [2, −1]; loss = (−log σ(2) − log σ(−1)) / 2
  it('matches hand-computed values, with margin and centering', () => {
    const chosen = f64([2, 0], [2]);
    const rejected = f64([0, 1], [2]);
    const base = bradleyTerryLoss({ chosen, rejected });
    expect(values(base.loss)[0]).toBeCloseTo((0.1269280110429725 + 1.3132616875182228) / 2, 13);
    expect(values(base.accuracy)[0]).toBe(0.5);
    expect(values(base.meanMargin)[0]).toBe(0.5);
    const margin = bradleyTerryLoss({ chosen, rejected, margin: [1, 0] });
    expect(values(margin.loss)[0]).toBeCloseTo((-logSigmoidRef(1) - logSigmoidRef(-1)) / 2, 13);
    const centered = bradleyTerryLoss({ chosen, rejected, centerCoefficient: 0.01 });
    // + 0.01 · mean((2 + 0)², (0 + 1)²) = 0.01 · 2.5
    expect(values(centered.loss)[0]).toBeCloseTo(values(base.loss)[0]! + 0.025, 13);
  });

  it('stays finite for far-apart rewards and has correct gradients', () => {
    expect(values(bradleyTerryLoss({ chosen: f64([0], [1]), rejected: f64([1000], [1]) }).loss)[0]).toBe(
      1000,
    );
    gradcheck(
      [
        { data: [0.5, -1, 2], shape: [3] },
        { data: [0.1, 0.3, -1], shape: [3] },
      ],
      (c, r) =>
        bradleyTerryLoss({ chosen: c!, rejected: r!, margin: [0.5, 0, 1], centerCoefficient: 0.01 }).loss,
    );
    expect(() => bradleyTerryLoss({ chosen: f64([1, 2], [2]), rejected: f64([1], [1]) })).toThrow(
      /rejected: expected the shape of chosen/,
    );
  });
});

describe('DPO loss', () => {
  it('is ln 2 when the policy is the reference, and matches a hand-computed case', () => {
    const same = f64([-3, -4], [2]);
    const zero = dpoLoss({
      policyChosen: same,
      policyRejected: f64([-1, -2], [2]),
      refChosen: same,
      refRejected: f64([-1, -2], [2]),
      beta: 0.5,
    });
    expect(values(zero.loss)[0]).toBeCloseTo(Math.LN2, 14);
    // log-ratios: chosen −1 − (−2) = 1, rejected −3 − (−2) = −1 → Δ = 2, β = 0.1 → −log σ(0.2)
    const inputs = {
      policyChosen: f64([-1], [1]),
      refChosen: f64([-2], [1]),
      policyRejected: f64([-3], [1]),
      refRejected: f64([-2], [1]),
    };
    const out = dpoLoss({ ...inputs, beta: 0.1 });
    expect(values(out.loss)[0]).toBeCloseTo(-logSigmoidRef(0.2), 14);
    expect(values(out.chosenRewards)[0]).toBeCloseTo(0.1, 14);
    expect(values(out.rejectedRewards)[0]).toBeCloseTo(-0.1, 14);
    expect(values(out.accuracy)[0]).toBe(1);
    expect(values(out.margin)[0]).toBeCloseTo(0.2, 14);
    const smooth = dpoLoss({ ...inputs, beta: 0.1, labelSmoothing: 0.1 });
    expect(values(smooth.loss)[0]).toBeCloseTo(0.9 * -logSigmoidRef(0.2) + 0.1 * -logSigmoidRef(-0.2), 14);
    // RPO: + α · (−log π(chosen) / |chosen|) = 0.5 · (1 / 4); the implicit rewards are unchanged
    const rpo = dpoLoss({ ...inputs, beta: 0.1, rpoAlpha: 0.5, chosenLengths: f64([4], [1]) });
    expect(values(rpo.loss)[0]).toBeCloseTo(-logSigmoidRef(0.2) + 0.125, 14);
    expect(values(rpo.margin)[0]).toBeCloseTo(0.2, 14);
  });

  it('has correct gradients and checks its inputs', () => {
    const check = (options: Partial<DpoInput>) =>
      gradcheck(
        [
          { data: [-1, -2.5], shape: [2] },
          { data: [-3, -1.5], shape: [2] },
          { data: [-2, -2], shape: [2], grad: false },
          { data: [-2, -1], shape: [2], grad: false },
        ],
        (pc, pr, rc, rr) =>
          dpoLoss({ policyChosen: pc!, policyRejected: pr!, refChosen: rc!, refRejected: rr!, ...options })
            .loss,
      );
    check({ beta: 0.3, labelSmoothing: 0.05 });
    // RPO's NLL term, with its gradient −α / (B · |chosen|) on each chosen log-prob
    check({ beta: 0.3, rpoAlpha: 0.7, chosenLengths: f64([2, 5], [2]) });
    const x = f64([0], [1]);
    expect(() =>
      dpoLoss({ policyChosen: x, policyRejected: x, refChosen: x, refRejected: x, rpoAlpha: 1 }),
    ).toThrow(/chosenLengths/);
    expect(() =>
      dpoLoss({ policyChosen: x, policyRejected: x, refChosen: x, refRejected: x, beta: 0 }),
    ).toThrow(/option beta/);
    expect(() =>
      dpoLoss({ policyChosen: x, policyRejected: x, refChosen: x, refRejected: x, labelSmoothing: 0.5 }),
    ).toThrow(/labelSmoothing: expected a number in \[0, 0.5\)/);
  });

  it('sums response log-probs into sequence log-probs', () => {
    expect(values(sequenceLogProbs(f64([-1, -2, -3, -4], [2, 2]), f64([1, 1, 0, 1], [2, 2])))).toEqual([
      -3, -4,
    ]);
  });
});

describe('GRPO', () => {
  /** (r − mean) / (unbiased std + 1e-4), written out. */
  const standardise = (g: number[]) => {
    const m = g.reduce((a, b) => a + b, 0) / g.length;
    const sd = g.length > 1 ? Math.sqrt(g.reduce((a, b) => a + (b - m) ** 2, 0) / (g.length - 1)) : 0;
    return g.map((r) => (r - m) / (sd + 1e-4));
  };

  it('normalises rewards within each group (unbiased std + 1e-4); equal groups and singletons give 0', () => {
    const a = values(groupAdvantages(f64([1, 0, 0, 1, 1, 1], [6]), 3));
    expectClose(a, [...standardise([1, 0, 0]), 0, 0, 0], 12);
    expect(a[0]).toBeCloseTo(1.1545, 4); // (2/3) / (0.57735 + 0.0001)
    expect(values(groupAdvantages(f64([3, 5], [2]), 1))).toEqual([0, 0]);
    const none = values(groupAdvantages(f64([1, 0, 0, 1], [4]), 2, { scale: 'none' }));
    expect(none).toEqual([0.5, -0.5, -0.5, 0.5]);
    const batch = values(groupAdvantages(f64([1, 0, 2, 2], [4]), 2, { scale: 'batch' }));
    const sd = Math.sqrt(((1 - 1.25) ** 2 + 1.25 ** 2 + 2 * 0.75 ** 2) / 3);
    expectClose(
      batch,
      [0.5, -0.5, 0, 0].map((c) => c / (sd + 1e-4)),
      12,
    );
    expect(() => groupAdvantages(f64([1, 2, 3], [3]), 2)).toThrow(
      /groupSize: expected a positive integer dividing the 3 rewards/,
    );
  });

  it('loss: the clipped ratio per token, averaged per response then over responses (or over tokens)', () => {
    // ratio 1 everywhere: per-token loss −A; rows A = [1, −1], mask [[1, 1], [1, 0]]
    const input = {
      logProbs: f64([-1, -2, -0.5, -3], [2, 2]),
      oldLogProbs: f64([-1, -2, -0.5, -3], [2, 2]),
      advantages: f64([1, -1], [2]),
      mask: f64([1, 1, 1, 0], [2, 2]),
    };
    expect(values(grpoLoss(input).loss)[0]).toBeCloseTo(0, 14); // (−1 + 1) / 2
    expect(values(grpoLoss({ ...input, normalize: 'token' }).loss)[0]).toBeCloseTo(-1 / 3, 14);
    expect(values(grpoLoss(input).clipFraction)[0]).toBe(0);
    // with β: + β·k3(log π, log π_ref)
    const ref = f64([-2, -2, -0.5, -3], [2, 2]);
    const withKl = grpoLoss({ ...input, beta: 0.1, refLogProbs: ref });
    const k3 = Math.exp(-1) - 1 + 1; // log r = −1 on token (0, 0), 0 elsewhere
    expect(values(withKl.loss)[0]).toBeCloseTo((0.1 * k3) / 2 / 2, 14);
    expect(values(withKl.kl!)[0]).toBeCloseTo(k3 / 3, 14);
    gradcheck(
      [
        { data: [-1.1, -1.8, -0.45, -3], shape: [2, 2] },
        { data: [-1, -2, -0.5, -3], shape: [2, 2], grad: false },
        { data: [1, -1], shape: [2], grad: false },
        { data: [1, 1, 1, 0], shape: [2, 2], grad: false },
        { data: [-2, -2, -0.5, -3], shape: [2, 2], grad: false },
      ],
      (lp, old, adv, m, rf) =>
        grpoLoss({
          logProbs: lp!,
          oldLogProbs: old!,
          advantages: adv!,
          mask: m!,
          beta: 0.1,
          refLogProbs: rf!,
        }).loss,
    );
    expect(() => grpoLoss({ ...input, beta: 0.1 })).toThrow(
      /refLogProbs: expected reference log-probs when beta > 0/,
    );
  });
});
