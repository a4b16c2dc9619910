import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTokenizerJSON } from '../src/formats/tokenizer-json.js';
import { Tokenizer } from '../src/index.js';

// Properties on arbitrary Unicode (astral characters, combining marks, lone surrogates, control
// characters, special-token text): byte-level tokenizers round-trip, never throw, and the fast path
// equals the general pipeline.
//
// Lone surrogates cannot be written in UTF-8: encode treats each as U+FFFD (as TextEncoder and every
// Rust tokenizer do), so decode(encode(x)) equals x with lone surrogates replaced by U+FFFD.
const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');
const fixtureJson = readFileSync(
  new URL('../../../fixtures/hf-bytelevel-bpe.tokenizer.json', import.meta.url),
  'utf8',
);

const sanitize = (s: string) =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(s));

const chunk = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(
    '\u0000',
    '\u0007',
    '\u001b',
    '\u007f',
    '\u0085',
    '\u00a0',
    '\u200d',
    '\ufeff',
    '\r\n',
    '\t',
  ),
  fc.constantFrom('<|endoftext|>', '<|endofprompt|>', "'s", "'LL", '   ', '\n\n', '12345', 'HelloWorld'),
);
const text = fc.array(chunk, { maxLength: 20 }).map((xs) => xs.join(''));

const tokenizers: [string, () => Tokenizer][] = [
  ['hf-bytelevel fixture', () => Tokenizer.fromJSON(fixtureJson)],
  [
    'cl100k_base',
    () =>
      Tokenizer.fromTiktoken(readFileSync(join(dataDir, 'cl100k_base.tiktoken')), {
        encoding: 'cl100k_base',
      }),
  ],
  [
    'o200k_base',
    () =>
      Tokenizer.fromTiktoken(readFileSync(join(dataDir, 'o200k_base.tiktoken')), { encoding: 'o200k_base' }),
  ],
];

describe('round trip on arbitrary Unicode', () => {
  for (const [name, make] of tokenizers) {
    const tok = make();
    it(`${name}: decode(encode(x)) === x (lone surrogates as U+FFFD), offsets in bounds`, () => {
      fc.assert(
        fc.property(text, (x) => {
          const ids = tok.encode(x, { allowedSpecial: 'all' });
          expect(tok.decode(ids)).toBe(sanitize(x));
          const asText = tok.encode(x, { allowedSpecial: 'none', disallowedSpecial: 'none' });
          expect(tok.decode(asText)).toBe(sanitize(x));
          const enc = tok.encodeWithOffsets(x, { allowedSpecial: 'all' });
          expect(enc.ids).toEqual(ids);
          let last = 0;
          for (const [s, e] of enc.offsets) {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(e);
            expect(e).toBeLessThanOrEqual(x.length);
            expect(e).toBeGreaterThanOrEqual(last);
            last = e;
          }
          const stream = tok.decodeStream();
          let streamed = '';
          for (const id of ids) streamed += stream.push(id);
          expect(streamed + stream.flush()).toBe(sanitize(x));
        }),
        { numRuns: 300, seed: 20261122 },
      );
    });
  }

  it('fast path and general pipeline agree on ids, tokens and offsets', () => {
    const fast = Tokenizer.fromJSON(fixtureJson);
    const general = new Tokenizer(parseTokenizerJSON(fixtureJson), { fastPath: false });
    fc.assert(
      fc.property(text, (x) => {
        expect(fast.encodeWithOffsets(x)).toEqual(general.encodeWithOffsets(x));
        expect(fast.encode(x)).toEqual(general.encode(x));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('never throws on arbitrary ids with onInvalid: replace', () => {
    const tok = Tokenizer.fromJSON(fixtureJson);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 3000 }), { maxLength: 30 }), (ids) => {
        expect(typeof tok.decode(ids, { onInvalid: 'replace' })).toBe('string');
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
