/**
 * WordPiece decoder: a token without the `##` prefix starts a new word (a space before it), a
 * `##` token continues the previous one; `cleanup` undoes BERT's spaces before punctuation.
 *
 *   ["un", "##aff", "##able", "."]  ->  ["un", "aff", "able", "."]   (cleanup glues " ." -> ".")
 */
import type { Decoder } from '../pipeline/types.js';

/** BERT's detokenization cleanup: " ." -> ".", " n't" -> "n't", " do not" -> " don't", ... */
export function wordPieceCleanup(s: string): string {
  return s
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/**
 * @example
 * ```ts
 * new WordPieceDecoder().decodeChain(['un', '##aff', '##able', '.']) // ['un', 'aff', 'able', '.']
 * ```
 */
export class WordPieceDecoder implements Decoder {
  readonly type = 'WordPiece';
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => {
      let s = t;
      if (i !== 0) s = s.startsWith(this.prefix) ? s.slice(this.prefix.length) : ` ${s}`;
      return this.cleanup ? wordPieceCleanup(s) : s;
    });
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, prefix: this.prefix, cleanup: this.cleanup };
  }
}
