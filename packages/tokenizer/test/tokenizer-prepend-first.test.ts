import { readFileSync } from 'node:fs';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../src/index.js';

// The hf-unigram fixture with Metaspace switched to prepend_scheme "first": only the piece that begins
// the input gets the "▁" prefix, not text that follows an added token (HF checks the piece's offset).
const json = JSON.parse(
  readFileSync(new URL('../../../fixtures/hf-unigram.tokenizer.json', import.meta.url), 'utf8'),
);
json.pre_tokenizer.prepend_scheme = 'first';
json.decoder.prepend_scheme = 'first';
const text = JSON.stringify(json);

describe('Metaspace prepend_scheme "first" after an added token', () => {
  it('encode and encodeWithOffsets give HF ids', async () => {
    const ours = Tokenizer.fromJSON(text);
    const hf = HFTokenizer.fromString(text);
    for (const input of ['<unk>Hello world<unk> again', 'Hello<unk>world', ' a<unk> b <unk>', '<unk>']) {
      const expected = (await hf.encode(input, null, { addSpecialTokens: false })).getIds();
      expect(ours.encode(input), input).toEqual(expected);
      expect(ours.encodeWithOffsets(input).ids, input).toEqual(expected);
    }
  });
});
