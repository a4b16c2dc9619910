// Unigram: Viterbi against HF (unk fusion, byte fallback), exact n-best against brute-force
// enumeration, and sampling frequencies against the exact path distribution on a tiny vocabulary.
import { readFileSync } from 'node:fs';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { parseSentencePieceModel } from '../src/formats/sentencepiece.js';
import { seededRandom } from '../src/models/seeded-random.js';
import { sampleTokenize, Unigram } from '../src/models/unigram/model.js';
import { TRICKY } from './helpers-hf.js';

const HEX = (b: number): string => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/** A small vocabulary with distinct scores: characters, some words, and optionally the 256 byte pieces. */
function smallVocab(bytes: boolean): [string, number][] {
  const v: [string, number][] = [['<unk>', 0]];
  const words = [
    '▁the',
    '▁a',
    'he',
    'ing',
    '▁',
    'th',
    'e',
    't',
    'h',
    'a',
    'n',
    'i',
    'g',
    's',
    'o',
    'l',
    'lo',
    'hel',
    'll',
  ];
  words.forEach((w, i) => {
    v.push([w, -1 - i * 0.37]);
  });
  for (const c of 'bcdfjkmpqruvwxyz,.!?') v.push([c, -9 - c.charCodeAt(0) / 1000]);
  if (bytes) for (let b = 0; b < 256; b++) v.push([HEX(b), -20]);
  return v;
}

function hfUnigram(vocab: [string, number][], byteFallback: boolean): HFTokenizer {
  return HFTokenizer.fromString(
    JSON.stringify({
      version: '1.0',
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: null,
      model: { type: 'Unigram', unk_id: 0, vocab, byte_fallback: byteFallback },
    }),
  );
}

describe('Unigram Viterbi matches HF', () => {
  for (const byteFallback of [false, true]) {
    it(`on tricky strings (byte_fallback=${byteFallback})`, async () => {
      const vocab = smallVocab(byteFallback);
      const ours = new Unigram(vocab, { unkId: 0, byteFallback });
      const hf = hfUnigram(vocab, byteFallback);
      for (const raw of [...TRICKY, 'hello the thing', '▁the▁thing▁hello']) {
        const text = raw.replaceAll(' ', '▁');
        if (text.length === 0) continue;
        const e = await hf.encode(text);
        const toks = ours.tokenize(text);
        expect(
          toks.map((t) => t.id),
          JSON.stringify(text),
        ).toEqual(e.getIds());
        expect(
          toks.map((t) => t.value),
          JSON.stringify(text),
        ).toEqual(e.getTokens());
        const ids: number[] = [];
        ours.encodeString(text, ids);
        expect(ids).toEqual(e.getIds());
      }
    });
  }

  it('round-trips through toJSON, and HF loads our JSON with the same ids', async () => {
    const vocab = smallVocab(true);
    const ours = new Unigram(vocab, { unkId: 0, byteFallback: true });
    const again = Unigram.fromJSON(JSON.parse(JSON.stringify(ours.toJSON())));
    const hf = HFTokenizer.fromString(
      JSON.stringify({
        version: '1.0',
        added_tokens: [],
        model: ours.toJSON(),
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder: null,
      }),
    );
    for (const text of ['▁the▁thing', 'zoo€', 'hello▁日本']) {
      const ids: number[] = [];
      again.encodeString(text, ids);
      expect(ids).toEqual((await hf.encode(text)).getIds());
    }
    expect(again.vocabSize).toBe(vocab.length);
    expect(again.tokenToId('▁the')).toBe(1);
    expect(again.idToToken(1)).toBe('▁the');
  });
});

/** Every segmentation of `text` into pieces of `vocab` (or single unknown characters), with scores. */
function enumerate(m: Unigram, text: string): { tokens: string[]; score: number }[] {
  const out: { tokens: string[]; score: number }[] = [];
  const walk = (at: number, tokens: string[], score: number): void => {
    if (at === text.length) {
      out.push({ tokens: [...tokens], score });
      return;
    }
    let single = false;
    for (let e = at + 1; e <= text.length; e++) {
      const id = m.tokenToId(text.slice(at, e));
      if (id === undefined || id === m.unkId) continue;
      if (e === at + 1) single = true;
      tokens.push(text.slice(at, e));
      walk(e, tokens, score + m.scores[id]!);
      tokens.pop();
    }
    if (!single) {
      tokens.push(text.slice(at, at + 1));
      walk(at + 1, tokens, score + m.minScore - 10);
      tokens.pop();
    }
  };
  walk(0, [], 0);
  return out.sort((a, b) => b.score - a.score);
}

describe('Unigram n-best', () => {
  const m = new Unigram(smallVocab(false), { unkId: 0 });

  it('equals brute-force enumeration, and its best equals Viterbi', () => {
    for (const text of ['▁the', 'hello', '▁thing', 'hell▁o', 'thez', 'he€€o']) {
      const all = enumerate(m, text);
      const n = Math.min(all.length, 12);
      const nbest = m.encodeNBest(text, n);
      expect(nbest.length).toBe(n);
      nbest.forEach((p, k) => {
        expect(p.score).toBeCloseTo(all[k]!.score, 9);
      });
      // Same paths in the same order (scores are distinct here); unknown runs fuse into one <unk>.
      const fusedIds = (tokens: string[]): number[] => {
        const ids: number[] = [];
        for (const t of tokens) {
          const id = m.tokenToId(t) ?? 0;
          if (!(id === 0 && ids[ids.length - 1] === 0)) ids.push(id);
        }
        return ids;
      };
      expect(nbest.map((p) => p.ids)).toEqual(all.slice(0, n).map((p) => fusedIds(p.tokens)));
      expect(nbest[0]!.ids).toEqual(m.tokenize(text).map((t) => t.id));
      expect(new Set(nbest.map((p) => p.tokens.join('|'))).size).toBe(n);
    }
  });

  it('returns every path when n exceeds their number', () => {
    const all = enumerate(m, 'the');
    expect(m.encodeNBest('the', 1000).length).toBe(all.length);
  });
});

describe('Unigram sampling', () => {
  const m = new Unigram(smallVocab(false), { unkId: 0 });
  const text = 'hello';
  const all = enumerate(m, text);

  function frequencies(draw: () => string[], n: number): Map<string, number> {
    const f = new Map<string, number>();
    for (let k = 0; k < n; k++) {
      const key = draw().join('|');
      f.set(key, (f.get(key) ?? 0) + 1 / n);
    }
    return f;
  }

  it('follows P(path) ∝ exp(alpha * score) over the whole lattice (FFBS)', () => {
    for (const alpha of [0.1, 0.5]) {
      const rng = seededRandom(7);
      const freq = frequencies(() => m.sampleEncode(text, { alpha, nbestSize: -1, rng }).tokens, 20_000);
      const w = all.map((p) => Math.exp(alpha * p.score));
      const z = w.reduce((a, b) => a + b, 0);
      all.forEach((p, k) => {
        const expected = w[k]! / z;
        // 20,000 draws: standard error <= 0.0036; allow ~4 sigma.
        expect(Math.abs((freq.get(p.tokens.join('|')) ?? 0) - expected), p.tokens.join('|')).toBeLessThan(
          0.015,
        );
      });
    }
  });

  it('samples among the n best with P ∝ exp(alpha * score)', () => {
    const alpha = 0.3;
    const rng = seededRandom(11);
    const freq = frequencies(() => m.sampleEncode(text, { alpha, nbestSize: 4, rng }).tokens, 20_000);
    const top = all.slice(0, 4);
    const w = top.map((p) => Math.exp(alpha * p.score));
    const z = w.reduce((a, b) => a + b, 0);
    top.forEach((p, k) => {
      expect(Math.abs((freq.get(p.tokens.join('|')) ?? 0) - w[k]! / z)).toBeLessThan(0.015);
    });
    expect([...freq.keys()].every((key) => top.some((p) => p.tokens.join('|') === key))).toBe(true);
  });

  it('concentrates on Viterbi as alpha grows, and nbestSize 1 is Viterbi', () => {
    const viterbi = m.tokenize(text).map((t) => t.value);
    const rng = seededRandom(3);
    for (let k = 0; k < 200; k++)
      expect(m.sampleEncode(text, { alpha: 100, nbestSize: -1, rng }).tokens).toEqual(viterbi);
    expect(m.sampleEncode(text, { alpha: 0.1, nbestSize: 1, rng }).tokens).toEqual(viterbi);
  });

  it('is reproducible from a seed', () => {
    const a = Array.from({ length: 20 }, (_, k) => m.sampleEncode(`${text}▁the`, { alpha: 0.2, rng: k }).ids);
    const b = Array.from({ length: 20 }, (_, k) => m.sampleEncode(`${text}▁the`, { alpha: 0.2, rng: k }).ids);
    expect(a).toEqual(b);
    expect(new Set(a.map((x) => x.join(','))).size).toBeGreaterThan(1);
  });
});

describe('Unigram n-best and sampling on the real hf-unigram model', () => {
  const json = JSON.parse(
    readFileSync(new URL('../../../fixtures/hf-unigram.tokenizer.json', import.meta.url), 'utf8'),
  );
  const m = Unigram.fromJSON(json.model);
  const words = readFileSync(new URL('../../../fixtures/heldout.txt', import.meta.url), 'utf8')
    .slice(0, 6000)
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => `▁${w}`);

  it('the best of n-best is Viterbi, scores never increase, every path spells the word', () => {
    for (const w of words) {
      const viterbi = m.tokenize(w).map((t) => t.id);
      const nbest = m.encodeNBest(w, 5);
      expect(nbest[0]!.ids, w).toEqual(viterbi);
      for (let k = 1; k < nbest.length; k++) expect(nbest[k]!.score).toBeLessThanOrEqual(nbest[k - 1]!.score);
      for (const p of nbest) expect(p.tokens.join(''), w).toBe(w);
    }
  });

  it('sampling with a large alpha returns Viterbi; a small alpha explores', () => {
    const rng = seededRandom(5);
    let differs = 0;
    for (const w of words.slice(0, 300)) {
      const viterbi = m.tokenize(w).map((t) => t.id);
      expect(m.sampleEncode(w, { alpha: 1000, nbestSize: -1, rng }).ids, w).toEqual(viterbi);
      const loose = m.sampleEncode(w, { alpha: 0.05, nbestSize: -1, rng });
      expect(loose.tokens.join('')).toBe(w);
      if (loose.ids.join() !== viterbi.join()) differs++;
    }
    expect(differs).toBeGreaterThan(30);
  });
});

describe('sampleTokenize (whole text through a SentencePiece pipeline)', () => {
  const parts = parseSentencePieceModel(
    new Uint8Array(readFileSync(new URL('../../../fixtures/sp-unigram.model', import.meta.url))),
  );
  const text = 'It is a truth universally acknowledged, that a single man in possession of a good fortune';

  it('spells the normalized text, reproduces from a seed, and equals encode with a large alpha', () => {
    const a = sampleTokenize(parts, text, { alpha: 0.1, rng: 3 });
    const b = sampleTokenize(parts, text, { alpha: 0.1, rng: 3 });
    expect(a).toEqual(b);
    expect(a.tokens.join('')).toBe(`▁${text.replaceAll(' ', '▁')}`);
    const viterbi: number[] = [];
    const pieces: string[] = [];
    parts.preTokenizer!.splitString(parts.normalizer!.normalizeString(text), pieces);
    for (const p of pieces) parts.model.encodeString(p, viterbi);
    expect(sampleTokenize(parts, text, { alpha: 1000, rng: 1 }).ids).toEqual(viterbi);
    expect(
      new Set(
        Array.from({ length: 10 }, (_, k) => sampleTokenize(parts, text, { alpha: 0.1, rng: k }).ids.join()),
      ).size,
    ).toBeGreaterThan(5);
  });

  it('refuses a non-Unigram model', () => {
    const bpe = parseSentencePieceModel(
      new Uint8Array(readFileSync(new URL('../../../fixtures/sp-bpe.model', import.meta.url))),
    );
    expect(() => sampleTokenize(bpe, text)).toThrow(
      /sampleTokenize: expected a Unigram model, found a BPE model/,
    );
  });
});

describe('Unigram errors', () => {
  it('names the field of a bad tokenizer.json model', () => {
    expect(() => Unigram.fromJSON({ type: 'Unigram', unk_id: 5, vocab: [['a', -1]] })).toThrow(
      /model\.unk_id: expected an integer in \[0, 1\), found 5/,
    );
    expect(() => Unigram.fromJSON({ type: 'Unigram', vocab: [['a', 'x']] })).toThrow(
      /model\.vocab\[0\]: expected \[piece, score\]/,
    );
    expect(() => Unigram.fromJSON({ type: 'Unigram' })).toThrow(/model\.vocab: expected an array/);
  });

  it('without an unk id, an unknown character is an input error naming it', () => {
    const m = new Unigram([['a', -1]], { unkId: null });
    expect(() => m.tokenize('ab')).toThrow(/Unigram\.tokenize: .*"b" at 1/);
  });
});
