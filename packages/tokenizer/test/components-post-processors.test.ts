// Every post-processor against the Rust HF library. A reference tokenizer without post-processor
// gives the raw tokens (ByteLevel pre-tokenizer + WordLevel, one token per piece); ours processes
// them and must give the ids, type ids, special-token mask and offsets HF gives with the processor.
import type { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import type { EncodedToken } from '../src/pipeline/types.js';
import { postProcessorFromJSON } from '../src/post-processors/index.js';
import { hfWith } from './helpers-hf.js';

const PAIRS: [string, string | null][] = [
  ['Hello world', null],
  ['Hello world', 'How are  you?'],
  ['  leading and trailing  ', ' x'],
  ['naïve café 🙂', null],
  ['a', 'b c d'],
  ['', 'only the pair'],
];

const special = { '[CLS]': 101, '[SEP]': 102, '<s>': 0, '</s>': 2 };

const PROCESSORS: Record<string, unknown>[] = [
  { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
  {
    type: 'RobertaProcessing',
    sep: ['</s>', 2],
    cls: ['<s>', 0],
    trim_offsets: true,
    add_prefix_space: true,
  },
  {
    type: 'RobertaProcessing',
    sep: ['</s>', 2],
    cls: ['<s>', 0],
    trim_offsets: false,
    add_prefix_space: false,
  },
  { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [
      { SpecialToken: { id: '<s>', type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: '</s>', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } },
      { SpecialToken: { id: '</s>', type_id: 1 } },
    ],
    special_tokens: {
      '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] },
      '</s>': { id: '</s>', ids: [2, 7], tokens: ['</s>', 'x'] },
    },
  },
  {
    type: 'Sequence',
    processors: [
      { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
    ],
  },
];

for (const addPrefixSpace of [true, false]) {
  const pre = { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true };
  // Vocabulary: every pre-tokenized piece of the texts, plus the special tokens.
  const vocab: Record<string, number> = { '[UNK]': 1000, ...special };
  const splitter = hfWith({ pre_tokenizer: pre }).getPreTokenizer()!;
  for (const [a, b] of PAIRS)
    for (const t of [a, b ?? ''])
      for (const [piece] of splitter.preTokenizeString(t)) vocab[piece] ??= 1001 + Object.keys(vocab).length;

  describe(`post-processors match HF tokenizers (ByteLevel add_prefix_space=${addPrefixSpace})`, () => {
    const raw = hfWith({ pre_tokenizer: pre }, vocab);
    for (const json of PROCESSORS) {
      it(JSON.stringify(json).slice(0, 90), async () => {
        const ours = postProcessorFromJSON(json, 'post_processor');
        const ref: HFTokenizer = hfWith({ pre_tokenizer: pre, post_processor: json }, vocab);
        for (const [a, b] of PAIRS) {
          const toTokens = async (t: string, typeId: number): Promise<EncodedToken[]> => {
            const e = await raw.encode(t, null, { addSpecialTokens: false });
            const offs = e.getOffsets();
            return e.getIds().map((id, k) => ({
              id,
              value: e.getTokens()[k]!,
              start: offs[k]![0]!,
              end: offs[k]![1]!,
              typeId,
              special: false,
            }));
          };
          const first = await toTokens(a, 0);
          const second = b === null ? null : await toTokens(b, 1);
          for (const add of [true, false]) {
            const expected = await ref.encode(a, b, { addSpecialTokens: add });
            const got = ours.process(first, second, add);
            const label = `${JSON.stringify([a, b])} add=${add}`;
            expect(
              got.map((t) => t.id),
              label,
            ).toEqual(expected.getIds());
            expect(
              got.map((t) => [t.start, t.end]),
              label,
            ).toEqual(expected.getOffsets());
            expect(
              got.map((t) => (t.special ? 1 : 0)),
              label,
            ).toEqual(expected.getSpecialTokensMask());
            if (add)
              expect(
                got.map((t) => t.typeId),
                label,
              ).toEqual(expected.getTypeIds());
          }
          expect(ours.addedTokens(b !== null)).toBe(
            (await ref.encode(a, b, { addSpecialTokens: true })).getLength() -
              first.length -
              (second?.length ?? 0),
          );
        }
      });
    }
  });
}

describe('post-processor registry', () => {
  it('round-trips through toJSON and names bad fields', () => {
    for (const json of PROCESSORS) {
      const a = postProcessorFromJSON(json);
      const b = postProcessorFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
      const toks: EncodedToken[] = [{ id: 5, value: 'Ġhi', start: 0, end: 3, typeId: 0, special: false }];
      expect(b.process(toks, toks, true)).toEqual(a.process(toks, toks, true));
    }
    expect(() =>
      postProcessorFromJSON({ type: 'BertProcessing', sep: ['[SEP]'], cls: ['[CLS]', 1] }),
    ).toThrow(/post_processor\.sep: expected \[token, id\]/);
    expect(() =>
      postProcessorFromJSON({ type: 'TemplateProcessing', single: '$A [X]', pair: null, special_tokens: {} }),
    ).toThrow(/special_tokens/);
    expect(() => postProcessorFromJSON({ type: 'Sequence', processors: [{ type: 'Nope' }] })).toThrow(
      /post_processor\.processors\[0\]\.type/,
    );
  });
});
