// Test helpers: build single components inside @anush008/tokenizers (the Rust HF library) so ours can
// be compared with the reference on the same input.
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';

/** A tokenizer.json with the given components and a WordLevel model that maps everything to [UNK]. */
export function hfWith(
  parts: { normalizer?: unknown; pre_tokenizer?: unknown; decoder?: unknown; post_processor?: unknown },
  vocab: Record<string, number> = { '[UNK]': 0 },
): HFTokenizer {
  return HFTokenizer.fromString(
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: parts.normalizer ?? null,
      pre_tokenizer: parts.pre_tokenizer ?? null,
      post_processor: parts.post_processor ?? null,
      decoder: parts.decoder ?? null,
      model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
    }),
  );
}

/** UTF-16 offset `u` of `text` as a code point offset (HF's Node binding reports code points). */
export function cpOffset(text: string, u: number): number {
  let n = 0;
  for (let i = 0; i < u; ) {
    i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    n++;
  }
  return n;
}

/** Strings that trip tokenizers: Unicode normal forms, case, whitespace kinds, CJK, emoji, controls. */
export const TRICKY: string[] = [
  'Hello, World!  How are   you?',
  '  leading and trailing  ',
  'naïve café résumé Ünïcödé',
  'cafe\u0301 n\u0303 A\u030a\u0301',
  'ﬁﬂ ① ㈱ Ⅻ ２３４ ﾊﾝｶｸ ㌀',
  '日本語のテキスト 中文字符',
  '한국어 텍스트 \u1100\u1161\u11a8',
  'emoji 🙂👍🏽 family 👨‍👩‍👧',
  'tabs\tand\nnewlines\r\n\n',
  "I'm you're WE'LL they'd IT'S",
  '1234567890 3.14159 -42 1e-9 ٣٤٥',
  'ΣΑΣ ΟΔΟΣ İstanbul ß ẞ',
  'zero\u200bwidth\u00a0nbsp\u3000ideo\u0085nel\ufeffbom',
  'a--b__c..d!!?',
  '\u0000ctrl\u0007x\ufffd',
  '',
  'x=1; y = [2, 3]; print(x+y)',
  '▁already▁metaspace ▁',
  '    def f(x):\n        return x * 2\n',
];
