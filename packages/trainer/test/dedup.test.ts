import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  candidateProbability,
  HashTable64,
  jaccard,
  lshParameters,
  MinHasher,
  shingleHashes,
  wordHashes,
} from '../src/index.js';
import { Deduplicator } from '../src/node.js';
import { SAMPLE } from './helpers/fixtures.js';

// documents of three consecutive paragraphs (at least 130 words each)
const paras = readFileSync(SAMPLE, 'utf8')
  .split(/\n\s*\n/)
  .map((p) => p.replace(/\s+/g, ' ').trim())
  .filter((p) => p.split(' ').length >= 20);
const paragraphs = Array.from({ length: Math.floor(paras.length / 3) }, (_, i) =>
  paras.slice(3 * i, 3 * i + 3).join(' '),
).filter((p) => p.split(' ').length >= 130);
if (paragraphs.length < 60)
  throw new Error(`the sample has ${paragraphs.length} long documents, the tests need 60`);

/** Replaces every k-th word, so the shingle overlap is known roughly in advance. */
function mutate(text: string, every: number): string {
  return text
    .split(' ')
    .map((w, i) => (i % every === every - 1 ? `x${i}` : w))
    .join(' ');
}

describe('MinHash', () => {
  it('shingles words: the worked example has Jaccard 1/3', () => {
    expect(jaccard('the cat sat on the mat', 'the cat sat on a mat', 3)).toBeCloseTo(1 / 3, 12);
    expect(wordHashes('The CAT, the cat!')[0]).toBe(wordHashes('the')[0]);
    expect(wordHashes('Élan élan').length).toBe(2);
    expect(wordHashes('Élan élan')[0]).toBe(wordHashes('Élan élan')[1]);
    expect(shingleHashes(wordHashes('two words'), 5).length).toBe(1); // shorter than k: one shingle
  });

  it('estimates the exact Jaccard similarity within its standard error', () => {
    const mh = new MinHasher({ shingleSize: 3, permutations: 256, seed: 1 });
    const errors: number[] = [];
    for (const [i, p] of paragraphs.slice(0, 30).entries()) {
      const q = mutate(p, 3 + (i % 8)); // J from ~0 to ~0.6
      const exact = jaccard(p, q, 3);
      const est = MinHasher.similarity(mh.signature(p), mh.signature(q));
      errors.push(Math.abs(est - exact));
      // 4 standard errors of a 256-sample binomial estimate
      expect(Math.abs(est - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / 256) + 0.02);
    }
    const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
    expect(mean).toBeLessThan(0.03);
  });

  it('picks LSH bands that put the S-curve around the threshold', () => {
    const { bands, rows } = lshParameters(0.8, 128);
    expect(bands * rows).toBeLessThanOrEqual(128);
    expect(candidateProbability(0.95, bands, rows)).toBeGreaterThan(0.99);
    expect(candidateProbability(0.5, bands, rows)).toBeLessThan(0.05);
  });
});

describe('Deduplicator', () => {
  const near = { threshold: 0.8, shingleSize: 5, permutations: 128, seed: 0 };

  it('removes exact copies, near copies and keeps distinct texts: answers known from the exact Jaccard', () => {
    const d = new Deduplicator({ exact: true, near });
    const originals = paragraphs.slice(0, 40);
    expect(originals.map((p) => d.check(p)).every((v) => v === null)).toBe(true);
    expect(originals.slice(0, 10).map((p) => d.check(p))).toEqual(Array(10).fill('exact'));
    // variants from one changed word in 120 (J ≈ 0.92) to one in 4 (J ≈ 0); the expected verdict
    // comes from the exact Jaccard, with a margin either side of the 0.8 threshold
    let nearCount = 0;
    let keptCount = 0;
    for (const [i, p] of originals.slice(10).entries()) {
      const q = mutate(p, [120, 100, 80, 4, 6, 8][i % 6]!);
      const j = jaccard(p, q, near.shingleSize);
      if (j > 0.7 && j < 0.88) continue; // too close to the threshold for a sampled estimate
      const want = j >= 0.88 ? 'near' : null;
      if (want === 'near') nearCount++;
      else keptCount++;
      expect({ j, verdict: d.check(q) }).toEqual({ j, verdict: want });
    }
    expect(nearCount).toBeGreaterThanOrEqual(5);
    expect(keptCount).toBeGreaterThanOrEqual(10);
    // unrelated paragraphs of the same book are all kept
    expect(
      paragraphs
        .slice(40, 60)
        .map((p) => d.check(p))
        .filter((v) => v !== null),
    ).toEqual([]);
  });

  it('keeps the first occurrence, and a near copy of a removed copy is still a duplicate', () => {
    const d = new Deduplicator({ exact: true, near });
    const p = paragraphs[0]!;
    expect(d.check(mutate(p, 120))).toBeNull(); // first seen: kept
    expect(d.check(p)).toBe('near');
    expect(d.check(mutate(p, 120))).toBe('exact');
  });

  it('with exact only, near copies pass', () => {
    const d = new Deduplicator({ exact: true, near: null });
    const p = paragraphs[1]!;
    expect(d.check(p)).toBeNull();
    expect(d.check(mutate(p, 120))).toBeNull();
    expect(d.check(p)).toBe('exact');
    expect(d.lsh).toBeNull();
  });
});

describe('HashTable64', () => {
  it('stores and finds many 64-bit keys, growing as needed', () => {
    const t = new HashTable64(4);
    for (let i = 0; i < 5000; i++) expect(t.setIfAbsent(i * 2654435761, i ^ 0x5bd1e995, i)).toBe(i);
    expect(t.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(t.get(i * 2654435761, i ^ 0x5bd1e995)).toBe(i);
    expect(t.get(1, 2)).toBe(-1);
    expect(t.setIfAbsent(0, 0x5bd1e995, 99)).toBe(0); // present: the first value stays
  });
});
