// The reference fixtures made by HF tokenizers 0.23 and sentencepiece 0.2.2 (fixtures/tokenizers.json at the repository root):
// every case of hf-unigram (ids, tokens, offsets) and of sp-unigram / sp-bpe (ids, pieces, decoded
// text) through the Tokenizer class, plus the token count on the held-out text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSentencePieceModel } from '../src/formats/sentencepiece.js';
import { parseTokenizerJSON } from '../src/formats/tokenizer-json.js';
import { Tokenizer } from '../src/tokenizer/tokenizer.js';

const fixture = (name: string): URL => new URL(`../../../fixtures/${name}`, import.meta.url);

interface Case {
  text: string;
  ids: number[];
  tokens?: string[];
  pieces?: string[];
  offsets?: [number, number][];
  decoded?: string;
}
interface Reference {
  file: string;
  cases: Case[];
  heldout_tokens: number;
}
const REF = JSON.parse(readFileSync(fixture('tokenizers.json'), 'utf8')) as Record<string, Reference>;
const HELDOUT = readFileSync(fixture('heldout.txt'), 'utf8');

/** HF's Python offsets count code points; ours count UTF-16 units. */
function toUtf16(text: string, cp: number): number {
  let u = 0;
  for (let k = 0; k < cp; k++) u += (text.codePointAt(u) ?? 0) > 0xffff ? 2 : 1;
  return u;
}

describe('hf-bytelevel-bpe (tokenizer.json, ByteLevel pre-tokenizer/decoder + BPE)', () => {
  const ref = REF['hf-bytelevel-bpe']!;
  const tok = Tokenizer.fromJSON(readFileSync(fixture(ref.file), 'utf8'));

  it(`matches ids, tokens and offsets on all ${ref.cases.length} cases, and decodes back`, () => {
    for (const c of ref.cases) {
      const enc = tok.encodeWithOffsets(c.text);
      expect(enc.ids, JSON.stringify(c.text)).toEqual(c.ids);
      expect(enc.tokens, JSON.stringify(c.text)).toEqual(c.tokens);
      expect(enc.offsets, JSON.stringify(c.text)).toEqual(
        c.offsets!.map(([s, e]) => [toUtf16(c.text, s), toUtf16(c.text, e)]),
      );
      expect(tok.decode(c.ids), JSON.stringify(c.text)).toBe(c.text);
    }
  });
});

describe('hf-unigram (tokenizer.json, Unigram + NFKC + Metaspace)', () => {
  const ref = REF['hf-unigram']!;
  const tok = Tokenizer.fromJSON(readFileSync(fixture(ref.file), 'utf8'));

  it(`matches ids, tokens and offsets on all ${ref.cases.length} cases`, () => {
    expect(ref.cases.length).toBe(80);
    for (const c of ref.cases) {
      const enc = tok.encodeWithOffsets(c.text);
      expect(enc.ids, JSON.stringify(c.text)).toEqual(c.ids);
      expect(enc.tokens, JSON.stringify(c.text)).toEqual(c.tokens);
      expect(enc.offsets, JSON.stringify(c.text)).toEqual(
        c.offsets!.map(([s, e]) => [toUtf16(c.text, s), toUtf16(c.text, e)]),
      );
      expect(tok.encode(c.text), JSON.stringify(c.text)).toEqual(c.ids);
    }
  });

  it('gives the reference token count on the held-out text', () => {
    const parts = parseTokenizerJSON(readFileSync(fixture(ref.file), 'utf8'));
    const pieces: string[] = [];
    parts.preTokenizer!.splitString(parts.normalizer!.normalizeString(HELDOUT), pieces);
    const ids: number[] = [];
    for (const p of pieces) parts.model.encodeString(p, ids);
    expect(ids.length).toBe(ref.heldout_tokens);
  });
});

for (const name of ['sp-unigram', 'sp-bpe']) {
  describe(`${name} (SentencePiece .model)`, () => {
    const ref = REF[name]!;
    const bytes = new Uint8Array(readFileSync(fixture(ref.file)));
    const tok = new Tokenizer(parseSentencePieceModel(bytes, { file: ref.file }));

    it(`matches ids, pieces and decoded text on all ${ref.cases.length} cases`, () => {
      expect(ref.cases.length).toBe(80);
      for (const c of ref.cases) {
        const ids = tok.encode(c.text);
        expect(ids, JSON.stringify(c.text)).toEqual(c.ids);
        expect(
          ids.map((id) => tok.idToToken(id)),
          JSON.stringify(c.text),
        ).toEqual(c.pieces);
        expect(tok.decode(ids), JSON.stringify(c.text)).toBe(c.decoded);
        expect(tok.encodeWithOffsets(c.text).ids, JSON.stringify(c.text)).toEqual(c.ids);
      }
    });

    it('gives the reference token count on the held-out text', () => {
      expect(tok.encode(HELDOUT).length).toBe(ref.heldout_tokens);
    });
  });
}
