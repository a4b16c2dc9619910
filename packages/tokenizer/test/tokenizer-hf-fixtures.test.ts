import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTokenizerJSON } from '../src/formats/tokenizer-json.js';
import { Tokenizer } from '../src/index.js';
import { loadTokenizer } from '../src/node.js';

// Expected ids, tokens and offsets from HF tokenizers 0.23 (Python) for a byte-level BPE trained on
// Austen (see fixtures/tokenizers.json). Python reports offsets in code points; we report
// UTF-16 units, so the expected offsets are converted before comparing.
const fixtures = JSON.parse(
  readFileSync(new URL('../../../fixtures/tokenizers.json', import.meta.url), 'utf8'),
);
const fixture = fixtures['hf-bytelevel-bpe'] as {
  cases: { text: string; ids: number[]; tokens: string[]; offsets: [number, number][] }[];
  heldout_tokens: number;
};
const jsonPath = new URL('../../../fixtures/hf-bytelevel-bpe.tokenizer.json', import.meta.url);

/** Code-point offsets (Python) -> UTF-16 offsets (JS). */
function toUtf16Offsets(text: string, offsets: [number, number][]): [number, number][] {
  const unitOfCp: number[] = [];
  let u = 0;
  for (const ch of text) {
    unitOfCp.push(u);
    u += ch.length;
  }
  unitOfCp.push(u);
  return offsets.map(([s, e]) => [unitOfCp[s]!, unitOfCp[e]!]);
}

describe('hf-bytelevel-bpe fixture (HF tokenizers reference)', async () => {
  const fast = await loadTokenizer(jsonPath.pathname);
  const general = new Tokenizer(parseTokenizerJSON(readFileSync(jsonPath, 'utf8')), { fastPath: false });

  it('has 80 cases', () => {
    expect(fixture.cases.length).toBe(80);
  });

  for (const [name, tok] of [
    ['fast path', fast],
    ['general pipeline', general],
  ] as const) {
    it(`${name}: ids, tokens and offsets match HF exactly`, () => {
      for (const c of fixture.cases) {
        expect(tok.encode(c.text), c.text).toEqual(c.ids);
        const enc = tok.encodeWithOffsets(c.text);
        expect(enc.ids, c.text).toEqual(c.ids);
        expect(enc.tokens, c.text).toEqual(c.tokens);
        expect(enc.offsets, c.text).toEqual(toUtf16Offsets(c.text, c.offsets));
      }
    });

    it(`${name}: decode gives the text back`, () => {
      for (const c of fixture.cases) expect(tok.decode(c.ids)).toBe(c.text);
    });
  }

  it('held-out text gives the same number of tokens as HF', () => {
    const heldout = readFileSync(new URL('../../../fixtures/heldout.txt', import.meta.url), 'utf8');
    expect(fast.encode(heldout).length).toBe(fixture.heldout_tokens);
    expect(general.encode(heldout.slice(0, 50_000))).toEqual(fast.encode(heldout.slice(0, 50_000)));
  });
});

describe('loadTokenizer (Node entry) by extension', () => {
  it('.model: SentencePiece BPE (byte fallback) gives the reference ids and decodes back', async () => {
    const sp = fixtures['sp-bpe'] as { cases: { text: string; ids: number[]; decoded: string }[] };
    const tok = await loadTokenizer(new URL('../../../fixtures/sp-bpe.model', import.meta.url).pathname);
    for (const c of sp.cases) {
      expect(tok.encode(c.text), c.text).toEqual(c.ids);
      expect(tok.decode(c.ids), c.text).toBe(c.decoded);
    }
  });

  it('unknown extensions are refused with a hint', async () => {
    await expect(
      loadTokenizer(new URL('../../../fixtures/sp-bpe.vocab', import.meta.url).pathname),
    ).rejects.toThrow(/expected a file ending in \.json, \.tiktoken or \.model/);
  });
});
