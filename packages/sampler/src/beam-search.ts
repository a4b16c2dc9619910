/**
 * Beam search with Hugging Face's semantics (`generate(num_beams=…, do_sample=False)`):
 *
 *   1. Every running beam b has a score: the sum of its tokens' log-probs (after the repetition /
 *      frequency / presence penalties, which act on log-probs as HF's logits processors do).
 *   2. Each step scores every (beam, token) pair, sum_b + log p_b(token), and takes the best
 *      2·numBeams candidates. Walking them best first, a candidate that ends in a stop id/sequence
 *      becomes a finished hypothesis (only if it ranks among the first numBeams), any other fills
 *      the next running beams until there are numBeams.
 *   3. A finished hypothesis is ranked by sum / generatedLength ** lengthPenalty (the stop token
 *      counted); only the best numBeams are kept.
 *   4. It stops (HF `early_stopping`): `true` as soon as numBeams hypotheses are finished; `false`
 *      (default) when, in addition, the best running beam, length-normalized at the current length,
 *      cannot beat the worst kept hypothesis; `'never'` when it cannot even at `maxNewTokens`
 *      (with lengthPenalty > 0). At maxNewTokens (or a full context) the running beams join the
 *      hypotheses.
 *
 * The KV cache follows the beams: after each step `cache.select(parents)` reorders its rows.
 *
 * The best 2·numBeams of the numBeams·V candidates are found without sorting them all: each beam's
 * best 2·numBeams tokens (a bounded insertion, one comparison for most tokens) are the only ones
 * that can rank among the global best 2·numBeams, so only numBeams·2·numBeams candidates are sorted.
 *
 * Worked example, numBeams 2, step 1 log-probs of the single prompt beam A −0.4, B −1.2, C −2:
 * beams A (−0.4), B (−1.2). Step 2: A→x −0.4−0.3 = −0.7, B→y −1.2−0.1 = −1.3, A→z −1.5 … → beams
 * Ax, By: B survives although its first step was worse, which greedy (A then its best) would miss.
 */
import { logSoftmaxRow, nonFiniteScores } from '@llmforge/tensor-gpu';
import { createKVCache, type KVCache, type Model } from '@llmforge/transformer';
import { NonFiniteLogitsError } from './errors.js';
import type { ChosenLogprob, FinishReason } from './generate.js';
import { lastLogits, readRows } from './model-step.js';
import type { ResolvedOptions } from './options.js';
import { applyFrequencyPresencePenalty } from './processors/frequency-presence-penalty.js';
import { applyRepetitionPenalty } from './processors/repetition-penalty.js';
import { endsWithStop } from './stop.js';

/** A finished beam-search hypothesis. */
export interface Hypothesis {
  /** Prompt + generated ids. */
  seq: number[];
  /** sum of log-probs / generated length ** lengthPenalty. */
  score: number;
  /** Raw-model log-probs of the generated tokens. */
  logprobs: ChosenLogprob[];
  finish: FinishReason;
}

interface Beam {
  seq: number[];
  sum: number;
  logprobs: ChosenLogprob[];
}

/** The numBeams best finished hypotheses, best first (HF `BeamHypotheses`). */
class Hypotheses {
  readonly list: Hypothesis[] = [];
  constructor(private readonly size: number) {}

  get worst(): number {
    return this.list.length ? this.list[this.list.length - 1]!.score : Number.NEGATIVE_INFINITY;
  }

  add(h: Hypothesis): void {
    if (this.list.length >= this.size && !(h.score > this.worst)) return;
    this.list.push(h);
    this.list.sort((a, b) => b.score - a.score);
    if (this.list.length > this.size) this.list.pop();
  }
}

/**
 * Runs beam search for one prompt; returns the best `numReturnSequences` hypotheses, best first.
 *
 * @example
 * ```ts
 * const [best] = await beamSearch(model, [1, 2], resolveOptions('generate', { numBeams: 4 }));
 * ```
 */
export async function beamSearch(
  model: Model,
  prompt: number[],
  o: ResolvedOptions,
  /** For errors: the calling operation and the index of this prompt's first output sequence. */
  at: { operation: string; sequence: number } = { operation: 'beamSearch', sequence: 0 },
): Promise<Hypothesis[]> {
  const K = o.numBeams;
  const P = prompt.length;
  const ctx = model.config.contextLength;
  const lp = o.lengthPenalty;
  const norm = (sum: number, len: number) => sum / len ** lp;
  const done = new Hypotheses(K);
  let beams: Beam[] = [{ seq: [...prompt], sum: 0, logprobs: [] }];
  let cache: KVCache | undefined = o.useCache ? createKVCache(model, 1) : undefined;
  let input: number[][] = [prompt];
  let finish: FinishReason = 'length';
  try {
    for (let step = 0; step < o.maxNewTokens; step++) {
      if (o.signal?.aborted) {
        finish = 'abort';
        break;
      }
      const raws = await readRows(lastLogits(model, input, cache));
      // candidates (beam, token, score), best first; ties: lower beam, then lower id
      const cands: { b: number; t: number; score: number }[] = [];
      const rawLps: Float64Array[] = [];
      beams.forEach((beam, b) => {
        const what = nonFiniteScores(raws[b]!);
        if (what !== null)
          throw new NonFiniteLogitsError(at.operation, step, at.sequence, `beam ${b}: ${what}`);
        const raw = logSoftmaxRow(raws[b]!);
        rawLps.push(raw);
        const s = Float64Array.from(raw);
        applyRepetitionPenalty(s, beam.seq, o.processors.repetitionPenalty);
        applyFrequencyPresencePenalty(
          s,
          beam.seq,
          o.processors.frequencyPenalty,
          o.processors.presencePenalty,
          P,
        );
        for (const t of bestTokens(s, 2 * K)) cands.push({ b, t, score: beam.sum + s[t]! });
      });
      cands.sort((x, y) => y.score - x.score || x.b - y.b || x.t - y.t);
      const next: Beam[] = [];
      const parents: number[] = [];
      for (let rank = 0; rank < Math.min(2 * K, cands.length) && next.length < K; rank++) {
        const c = cands[rank]!;
        const parent = beams[c.b]!;
        const seq = [...parent.seq, c.t];
        const logprobs = o.logprobs ? [...parent.logprobs, lpEntry(rawLps[c.b]!, c.t, o.topLogprobs)] : [];
        if (endsWithStop(seq, o.stop, P)) {
          if (rank < K) done.add({ seq, score: norm(c.score, seq.length - P), logprobs, finish: 'stop' });
          continue;
        }
        next.push({ seq, sum: c.score, logprobs });
        parents.push(c.b);
      }
      const genLen = step + 1;
      if (next.length === 0 || isDone(done, K, next[0]!.sum, genLen, o, norm)) {
        beams = [];
        break;
      }
      beams = next;
      if (beams[0]!.seq.length >= ctx || step + 1 === o.maxNewTokens) break;
      if (cache) {
        const moved = cache.select(parents);
        cache.dispose();
        cache = moved;
        input = beams.map((b) => [b.seq.at(-1)!]);
      } else {
        input = beams.map((b) => b.seq);
      }
    }
  } finally {
    cache?.dispose();
  }
  for (const b of beams)
    done.add({ seq: b.seq, score: norm(b.sum, b.seq.length - P), logprobs: b.logprobs, finish });
  return done.list.slice(0, o.numReturnSequences);
}

/**
 * The `count` best token ids of `scores`, best first (score desc, id asc), skipping `-Infinity`: a
 * bounded insertion, so a token that does not beat the current last costs one comparison.
 */
function bestTokens(scores: Float64Array, count: number): number[] {
  const best: number[] = [];
  for (let t = 0; t < scores.length; t++) {
    const v = scores[t]!;
    if (v === Number.NEGATIVE_INFINITY) continue;
    if (best.length === count && !(v > scores[best[count - 1]!]!)) continue;
    let at = best.length < count ? best.length : count - 1;
    if (best.length < count) best.push(t);
    while (at > 0 && v > scores[best[at - 1]!]!) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = t;
  }
  return best;
}

function lpEntry(raw: Float64Array, token: number, top: number): ChosenLogprob {
  const out: ChosenLogprob = { token, logprob: raw[token]! };
  if (top > 0) {
    const order = Array.from(raw.keys())
      .sort((a, b) => raw[b]! - raw[a]! || a - b)
      .slice(0, top);
    out.top = order.map((t) => ({ token: t, logprob: raw[t]! }));
  }
  return out;
}

/** HF `BeamHypotheses.is_done`. */
function isDone(
  done: Hypotheses,
  K: number,
  bestRunning: number,
  genLen: number,
  o: ResolvedOptions,
  norm: (sum: number, len: number) => number,
): boolean {
  if (done.list.length < K) return false;
  if (o.earlyStopping === true) return true;
  const len = o.earlyStopping === 'never' && o.lengthPenalty > 0 ? o.maxNewTokens : genLen;
  return done.worst >= norm(bestRunning, len);
}
