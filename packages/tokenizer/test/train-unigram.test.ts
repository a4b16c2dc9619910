import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectedCounts, Lattice, scoreEdges } from '../src/models/unigram/lattice.js';
import { bestAlternative, digamma, trainUnigram, viterbiCounts } from '../src/models/unigram/trainer.js';
import { Trie } from '../src/pipeline/trie.js';
import { trainTokenizerJSON } from '../src/trainers/train-tokenizer.js';

const require = createRequire(import.meta.url);
const hf = require('@anush008/tokenizers') as {
  Tokenizer: { fromFile(path: string): { encode(text: string): Promise<{ getIds(): number[] }> } };
};
const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url));

describe('digamma', () => {
  it('matches known values', () => {
    const gamma = 0.5772156649015329; // Euler–Mascheroni
    expect(digamma(1)).toBeCloseTo(-gamma, 12);
    expect(digamma(0.5)).toBeCloseTo(-gamma - 2 * Math.LN2, 12);
    expect(digamma(10)).toBeCloseTo(2.251752589066721, 12);
    // ψ(x + 1) = ψ(x) + 1/x
    for (const x of [0.01, 0.7, 3.3, 57]) expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 10);
  });
});

describe('the Unigram lattice as the trainer uses it', () => {
  // Every segmentation of every word, enumerated: the reference for forward-backward and Viterbi.
  function segmentations(chars: string[], pieces: Map<string, number>): number[][] {
    if (chars.length === 0) return [[]];
    const out: number[][] = [];
    for (let len = 1; len <= chars.length; len++) {
      const id = pieces.get(chars.slice(0, len).join(''));
      if (id === undefined) continue;
      for (const rest of segmentations(chars.slice(len), pieces)) out.push([id, ...rest]);
    }
    return out;
  }

  it('forward-backward expected counts and Viterbi equal brute-force enumeration', () => {
    const pieceList = ['▁', '▁h', 'h', 'a', 't', 'at', 'hat', '▁hat', 's', 'ha', 'ts'];
    const pieces = new Map(pieceList.map((p, i) => [p, i]));
    const words = [Array.from('▁hat'), Array.from('▁hats'), Array.from('hat')];
    const counts = Float64Array.from([5, 2, 3]);
    const cps = words.map((w) => Int32Array.from(w, (ch) => ch.codePointAt(0)!));
    const trie = new Trie();
    for (const [i, p] of pieceList.entries()) trie.insert(p, i, 'codePoint');
    const lattice = new Lattice();
    for (const w of cps) lattice.addText(w, w.length, trie, 'codePoint', 16);
    const alive = new Uint8Array(pieceList.length).fill(1);
    // Scores near 0 take the plain-probability pass; scores near -300 the log-space pass.
    for (const offset of [0, -300]) {
      const scores = Float64Array.from(pieceList, (_, i) => offset - 1 - 0.37 * i);
      const expected = new Float64Array(pieceList.length);
      const edgeScores = scoreEdges(lattice, scores, alive, offset - 100);
      const loglik = expectedCounts(lattice, edgeScores, alive, counts, expected);
      const want = new Float64Array(pieceList.length);
      let wantLoglik = 0;
      const wantViterbi = new Float64Array(pieceList.length);
      words.forEach((w, k) => {
        const segs = segmentations(w, pieces);
        const logProbs = segs.map((seg) => seg.reduce((acc, id) => acc + scores[id]!, 0));
        const top = Math.max(...logProbs);
        const rel = logProbs.map((lp) => Math.exp(lp - top));
        const z = rel.reduce((a, b) => a + b, 0);
        wantLoglik += counts[k]! * (top + Math.log(z));
        segs.forEach((seg, j) => {
          for (const id of seg) want[id]! += (counts[k]! * rel[j]!) / z;
        });
        for (const id of segs[logProbs.indexOf(top)]!) wantViterbi[id]! += counts[k]!;
      });
      for (let i = 0; i < pieceList.length; i++) expect(expected[i]).toBeCloseTo(want[i]!, 10);
      expect(loglik).toBeCloseTo(wantLoglik, 8);
      const freq = new Float64Array(pieceList.length);
      viterbiCounts(lattice, edgeScores, alive, counts, freq, new Float64Array(pieceList.length));
      expect(Array.from(freq)).toEqual(Array.from(wantViterbi));
    }

    const scores = Float64Array.from(pieceList, (_, i) => -1 - 0.37 * i);
    // The best split of "▁hat" without "▁hat" itself, by enumeration.
    const alternatives = segmentations(Array.from('▁hat'), pieces).filter((s) => s.length > 1);
    const score = (s: number[]) => s.reduce((acc, id) => acc + scores[id]!, 0);
    const bestAlt = alternatives.reduce((a, b) => (score(b) > score(a) ? b : a));
    expect(bestAlternative(cps[0]!, pieces.get('▁hat')!, trie, alive, scores)).toEqual({
      pieces: bestAlt,
      score: score(bestAlt),
    });
  });
});

describe('trainUnigram', () => {
  it('keeps special tokens, byte pieces and required characters, and hits vocabSize exactly', () => {
    const counts = new Map([
      ['▁the', 50],
      ['▁then', 20],
      ['▁there', 20],
      ['▁hen', 10],
      ['▁ß', 1],
    ]);
    const { pieces, unkId } = trainUnigram(counts, {
      vocabSize: 256 + 2 + 8,
      byteFallback: true,
      specialTokens: ['<s>'],
      characterCoverage: 0.99,
    });
    expect(unkId).toBe(0);
    expect(pieces).toHaveLength(266);
    expect(pieces.slice(0, 3)).toEqual([
      ['<unk>', 0],
      ['<s>', 0],
      ['<0x00>', 0],
    ]);
    const learned = pieces.slice(258).map((p) => p[0]);
    for (const ch of ['▁', 't', 'h', 'e', 'n', 'r']) expect(learned).toContain(ch);
    expect(learned).not.toContain('ß'); // below the 0.99 coverage: left to byte fallback
    expect(learned).toContain('▁the');
    const scores = pieces.slice(258).map((p) => p[1]);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('stops with more required characters than the budget, keeping the most frequent', () => {
    const alphabet = Array.from({ length: 60 }, (_, i) => String.fromCodePoint(0x4e00 + i));
    const counts = new Map(alphabet.map((ch, i): [string, number] => [`▁${ch}${ch}`, 100 - i]));
    const { pieces } = trainUnigram(counts, { vocabSize: 21, characterCoverage: 1 });
    expect(pieces).toHaveLength(21);
    expect(pieces.slice(1).map((p) => p[0])).toEqual(['▁', ...alphabet.slice(0, 19)]);
  });

  it('compresses Austen heldout within 1% of SentencePiece Unigram (3.320 bytes/token at 1500)', async () => {
    const austen = gunzipSync(fixture('austen-train.txt.gz')).toString('utf8');
    const heldout = fixture('heldout.txt').toString('utf8');
    const reference = JSON.parse(fixture('tokenizers.json').toString('utf8'))['sp-unigram'] as {
      heldout_bytes: number;
      heldout_tokens: number;
    };
    const spBytesPerToken = reference.heldout_bytes / reference.heldout_tokens;
    expect(spBytesPerToken).toBeCloseTo(3.32, 2);
    // Same budget as the SentencePiece model: 1500 = <unk> <s> </s> + 256 byte pieces + 1241 learned.
    const phases = new Set<string>();
    const json = await trainTokenizerJSON(
      {
        model: 'unigram',
        vocabSize: 1500,
        byteFallback: true,
        specialTokens: ['<s>', '</s>'],
        onProgress: (p) => phases.add(p.phase),
      },
      austen,
    );
    expect([...phases]).toEqual(['count', 'seed', 'em', 'prune']);
    expect((json.model as { vocab: unknown[] }).vocab).toHaveLength(1500);
    const file = join(mkdtempSync(join(tmpdir(), 'llmforge-unigram-')), 'tokenizer.json');
    writeFileSync(file, JSON.stringify(json));
    const ids = (await hf.Tokenizer.fromFile(file).encode(heldout)).getIds();
    const bytesPerToken = Buffer.byteLength(heldout) / ids.length;
    expect(bytesPerToken).toBeGreaterThanOrEqual(spBytesPerToken * 0.99);
    // The learned pieces are largely SentencePiece's own (88% when written; HF's trainer shares 73%).
    const spPieces = new Set(
      fixture('sp-unigram.vocab')
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]!)
        .slice(259),
    );
    const learned = (json.model as { vocab: [string, number][] }).vocab.slice(259).map((p) => p[0]);
    expect(learned.filter((p) => spPieces.has(p)).length / learned.length).toBeGreaterThan(0.85);
  }, 90_000);
});
