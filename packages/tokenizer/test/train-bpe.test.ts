import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GPT2_PATTERN } from '../src/pipeline/patterns.js';
import { trainBpe } from '../src/trainers/bpe-trainer.js';
import { splitGpt2Ascii } from '../src/trainers/gpt2-ascii-split.js';
import { countWords, WordCounter } from '../src/trainers/word-counts.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url));
const austen = gunzipSync(fixture('austen-train.txt.gz')).toString('utf8');
const hfBpe = JSON.parse(fixture('hf-bytelevel-bpe.tokenizer.json').toString('utf8')) as {
  model: { vocab: Record<string, number>; merges: [string, string][] };
};

/**
 * The textbook BPE trainer, written for clarity only: recount every pair of every word after each
 * merge. Same tie-break as the fast trainer (count, then smallest left id, then right id).
 */
function naiveBpe(counts: Map<string, number>, vocabSize: number, minFrequency: number) {
  const vocab: string[] = [];
  const ids = new Map<string, number>();
  const add = (t: string) => {
    if (!ids.has(t)) {
      ids.set(t, vocab.length);
      vocab.push(t);
    }
    return ids.get(t)!;
  };
  const chars = new Set<string>();
  for (const w of counts.keys()) for (const c of w) chars.add(c);
  for (const c of [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)) add(c);
  const words = [...counts].map(([w, c]) => ({ syms: Array.from(w, (ch) => ids.get(ch)!), c }));
  const merges: [string, string][] = [];
  while (vocab.length < vocabSize) {
    const pairs = new Map<string, number>();
    for (const { syms, c } of words)
      for (let i = 0; i + 1 < syms.length; i++)
        pairs.set(`${syms[i]},${syms[i + 1]}`, (pairs.get(`${syms[i]},${syms[i + 1]}`) ?? 0) + c);
    let best: [number, number] | null = null;
    let bestCount = 0;
    for (const [k, c] of pairs) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      if (c > bestCount || (c === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestCount = c;
      }
    }
    if (!best || bestCount < minFrequency) break;
    const [a, b] = best;
    merges.push([vocab[a]!, vocab[b]!]);
    const z = add(vocab[a]! + vocab[b]!);
    for (const w of words) {
      const out: number[] = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) {
          out.push(z);
          i++;
        } else out.push(w.syms[i]!);
      }
      w.syms = out;
    }
  }
  return { vocab, merges };
}

describe('trainBpe', () => {
  it('learns the worked example of the file comment', () => {
    const counts = new Map([
      ['hug', 10],
      ['pug', 5],
      ['hugs', 5],
    ]);
    const { vocab, merges } = trainBpe(counts, { vocabSize: 256 + 2 });
    expect(merges).toEqual([
      ['u', 'g'],
      ['h', 'ug'],
    ]);
    expect(vocab.slice(256)).toEqual(['ug', 'hug']);
    expect(vocab).toHaveLength(258);
  });

  it('reproduces the HF BpeTrainer exactly on Austen (same merges, same ids)', async () => {
    const counts = await countWords(austen, { split: new RegExp(GPT2_PATTERN.js, 'gu') });
    const size = Object.keys(hfBpe.model.vocab).length;
    const { vocab, merges } = trainBpe(counts, {
      vocabSize: size,
      minFrequency: 0,
      specialTokens: ['<|endoftext|>'],
    });
    expect(merges).toEqual(hfBpe.model.merges);
    expect(Object.fromEntries(vocab.map((t, i) => [t, i]))).toEqual(hfBpe.model.vocab);
  });

  it('agrees with the naive recount-everything trainer on random corpora', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), minLength: 1, maxLength: 9 }),
            fc.integer({ min: 1, max: 20 }),
          ),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 4 }),
        (entries, extra, minFrequency) => {
          const counts = new Map<string, number>();
          for (const [w, c] of entries) counts.set(w, (counts.get(w) ?? 0) + c);
          const naive = naiveBpe(counts, 0, minFrequency);
          const vocabSize = naive.vocab.length + extra;
          const slow = naiveBpe(counts, vocabSize, minFrequency);
          const fast = trainBpe(counts, { vocabSize, minFrequency, byteLevel: false });
          expect(fast.merges).toEqual(slow.merges);
          expect(fast.vocab).toEqual(slow.vocab);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts special tokens first, then all 256 bytes, and honours minFrequency', () => {
    const counts = new Map([
      [' the', 9],
      [' then', 3],
      ['é', 1],
    ]);
    const { vocab, merges } = trainBpe(counts, {
      vocabSize: 1000,
      minFrequency: 4,
      specialTokens: ['<s>', '</s>'],
    });
    expect(vocab.slice(0, 2)).toEqual(['<s>', '</s>']);
    expect(new Set(vocab.slice(2, 258)).size).toBe(256);
    expect(vocab).toContain('Ã'); // the first byte of "é" (C3 A9)
    // The pairs of " the" occur 12 times each, ties broken by the smallest left id (h < t < Ġ by
    // code point); the pair only in " then" occurs 3 times (< 4): not merged.
    expect(merges).toEqual([
      ['h', 'e'],
      ['t', 'he'],
      ['Ġ', 'the'],
    ]);
  });

  it('reports merge progress and rejects a bad vocabSize', () => {
    const phases: number[] = [];
    trainBpe(new Map([['abcabc', 3]]), { vocabSize: 300, onProgress: (p) => phases.push(p.done) });
    expect(phases.at(-1)).toBe(300 - 256);
    expect(() => trainBpe(new Map(), { vocabSize: 0 })).toThrow(/trainBpe: expected vocabSize an integer/);
  });
});

describe('WordCounter / countWords', () => {
  it('counts line by line and cuts out special tokens', () => {
    const c = new WordCounter({ split: new RegExp(GPT2_PATTERN.js, 'gu'), specialTokens: ['<|eot|>'] });
    c.add('the cat<|eot|>the hat\n\n\nthe');
    expect(Object.fromEntries(c.counts)).toEqual({ the: 3, ' cat': 1, ' hat': 1, '\n': 3 });
  });

  it('gives the same counts from a string, an array and an async stream of line-aligned chunks', async () => {
    const text = austen.slice(0, 200_000);
    const split = new RegExp(GPT2_PATTERN.js, 'gu');
    const whole = await countWords(text, { split });
    const lines = text.split(/(?<=\n)/);
    const chunks: string[] = [];
    for (let i = 0; i < lines.length; i += 97) chunks.push(lines.slice(i, i + 97).join(''));
    async function* stream() {
      for (const c of chunks) yield c;
    }
    const seen: number[] = [];
    const streamed = await countWords(stream(), { split }, (p) => seen.push(p.done));
    expect(streamed).toEqual(whole);
    expect(await countWords(chunks, { split })).toEqual(whole);
    expect(seen.at(-1)).toBe(text.length);
    await expect(countWords(42 as never, { split })).rejects.toThrow(/countWords: expected a string/);
  });
});

describe('splitGpt2Ascii (the word counter fast path)', () => {
  const regex = new RegExp(GPT2_PATTERN.js, 'gu');
  const viaScanner = (text: string) => {
    const out: string[] = [];
    splitGpt2Ascii(text, (s, e) => out.push(text.slice(s, e)));
    return out;
  };

  it('cuts ASCII text exactly as the GPT-2 regex does', () => {
    const alphabet = [
      ...'asdtrevlmZ09\'"!-. ',
      ' ',
      ' ',
      '\n',
      '\n',
      '\t',
      '\r',
      '\v',
      '\f',
      '\x00',
      '\x1c',
      '\x7f',
    ];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 }), (text) => {
        expect(viaScanner(text)).toEqual(text.match(regex) ?? []);
      }),
      { numRuns: 3000 },
    );
    const all = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...all), maxLength: 30 }), (text) => {
        expect(viaScanner(text)).toEqual(text.match(regex) ?? []);
      }),
      { numRuns: 2000 },
    );
    expect(viaScanner("Hi  there\n\nyou're 42!!")).toEqual([
      'Hi',
      ' ',
      ' there',
      '\n',
      '\n',
      'you',
      "'re",
      ' 42',
      '!!',
    ]);
  });

  it('gives the word counter the same counts as the regex on Austen', async () => {
    const sameRegexOtherSource = new RegExp(`(?:${GPT2_PATTERN.js})`, 'gu'); // not recognised: regex path
    const fast = await countWords(austen, { split: new RegExp(GPT2_PATTERN.js, 'gu') });
    const slow = await countWords(austen, { split: sameRegexOtherSource });
    expect(fast).toEqual(slow);
  });
});
