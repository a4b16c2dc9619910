// Every decoder against the Rust HF library: the same text from the same token strings.
import { describe, expect, it } from 'vitest';
import { decoderFromJSON } from '../src/decoders/index.js';
import { toByteLevel } from '../src/pre-tokenizers/byte-level.js';
import { hfWith, TRICKY } from './helpers-hf.js';

/** Cuts `s` into chunks of 1..4 code points (a stand-in for model tokens). */
function chunks(s: string): string[] {
  const cps = Array.from(s);
  const out: string[] = [];
  for (let i = 0, k = 0; i < cps.length; k++) {
    const n = 1 + (k % 4);
    out.push(cps.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

const byteTokens = (s: string): string[] =>
  Array.from(new TextEncoder().encode(s), (b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);

const TOKEN_LISTS: string[][] = [
  ...TRICKY.map((t) => chunks(t)),
  ...TRICKY.map((t) => chunks(`▁${t.replaceAll(' ', '▁')}`)),
  ['▁Hey', '▁my', '▁friend', '▁', '▁<s>', '▁how', '▁are', '▁you'],
  ['un', '##aff', '##able', '.', 'do', 'not', "'", 's', 'n', "##'t", '?'],
  ['a', '<0xC3>', '<0xA9>', 'b', '<0xE2>', '<0x82>', 'c', '<0xFF>', '<0x41>', '<0x0A>'],
  [...byteTokens('日本🙂'), '▁x', ...byteTokens('é').slice(0, 1)],
  ['hel', 'lo</w>', 'wor', 'ld</w>', 'x</w>'],
  ['<pad>', 'h', 'h', '<pad>', 'e', 'l', 'l', '<pad>', 'l', 'o', '|', '|', 'w', 'o', '<pad>'],
  ['', '▁', '▁▁', '  x  ', ' '],
  [],
];

const DECODERS: Record<string, unknown>[] = [
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false },
  { type: 'WordPiece', prefix: '##', cleanup: true },
  { type: 'WordPiece', prefix: '##', cleanup: false },
  { type: 'ByteFallback' },
  { type: 'Fuse' },
  { type: 'Strip', content: ' ', start: 1, stop: 0 },
  { type: 'Strip', content: '▁', start: 2, stop: 1 },
  { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
  { type: 'Replace', pattern: { Regex: '\\s+' }, content: '_' },
  { type: 'BPEDecoder', suffix: '</w>' },
  { type: 'CTC', pad_token: '<pad>', word_delimiter_token: '|', cleanup: true },
  { type: 'CTC', pad_token: '<pad>', word_delimiter_token: '|', cleanup: false },
  {
    type: 'Sequence',
    decoders: [
      { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
      { type: 'ByteFallback' },
      { type: 'Fuse' },
      { type: 'Strip', content: ' ', start: 1, stop: 0 },
    ],
  },
];

describe('decoders match HF tokenizers', () => {
  for (const json of DECODERS) {
    it(JSON.stringify(json).slice(0, 100), () => {
      const ours = decoderFromJSON(json, 'decoder');
      const hf = hfWith({ decoder: json }).getDecoder()!;
      // HF's Strip panics (aborting the process) on a token shorter than start + stop: skip those lists.
      const minLen = json.type === 'Strip' ? Number(json.start) + Number(json.stop) : 0;
      const lists = TOKEN_LISTS.filter((l) => l.every((t) => Array.from(t).length >= minLen));
      expect(lists.length).toBeGreaterThan(2);
      for (const tokens of lists) {
        expect(ours.decodeChain(tokens).join(''), JSON.stringify(tokens)).toBe(hf.decode(tokens));
      }
    });
  }

  it('ByteLevel inverts the byte-level mapping, including text split inside a character', () => {
    const json = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    const ours = decoderFromJSON(json);
    const hf = hfWith({ decoder: json }).getDecoder()!;
    for (const text of TRICKY) {
      const tokens = chunks(toByteLevel(text));
      expect(ours.decodeChain(tokens).join('')).toBe(hf.decode(tokens));
      expect(ours.decodeChain(tokens).join('')).toBe(text.replace(/\u0000/g, '\u0000'));
    }
    const broken = chunks(toByteLevel('é€')).slice(0, 2);
    expect(ours.decodeChain(broken).join('')).toBe(hf.decode(broken));
  });

  it('toJSON round-trips and unknown types name the path', () => {
    for (const json of DECODERS) {
      const a = decoderFromJSON(json);
      const b = decoderFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
      for (const tokens of TOKEN_LISTS) expect(b.decodeChain(tokens)).toEqual(a.decodeChain(tokens));
    }
    expect(() =>
      decoderFromJSON({ type: 'Sequence', decoders: [{ type: 'Fuse' }, { type: 'Nope' }] }),
    ).toThrow(/decoder\.decoders\[1\]\.type: expected one of .*found "Nope"/);
    expect(() => decoderFromJSON({ type: 'Strip', content: ' ', start: 1 })).toThrow(
      /decoder\.stop: expected a number/,
    );
    // Where HF panics, ours strips what is there.
    expect(
      decoderFromJSON({ type: 'Strip', content: '▁', start: 2, stop: 1 }).decodeChain(['▁', 'a▁']),
    ).toEqual(['', 'a']);
  });
});
