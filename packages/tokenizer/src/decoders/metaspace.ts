/**
 * Metaspace decoder: "▁" back to spaces; the "▁" the pre-tokenizer prepended to the first token is
 * dropped (unless `prepend_scheme` is `never`).
 *
 *   ["▁Hello", "▁world"]  ->  ["Hello", " world"]
 */
import type { Decoder } from '../pipeline/types.js';
import type { PrependScheme } from '../pre-tokenizers/metaspace.js';

/**
 * @example
 * ```ts
 * new MetaspaceDecoder().decodeChain(['▁Hello', '▁world']) // ['Hello', ' world']
 * ```
 */
export class MetaspaceDecoder implements Decoder {
  readonly type = 'Metaspace';
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: PrependScheme = 'always',
    readonly split = true,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => {
      // Only a leading replacement character of the first token is dropped, never a literal space.
      if (i === 0 && this.prependScheme !== 'never' && t.startsWith(this.replacement))
        t = t.slice(this.replacement.length);
      return t.replaceAll(this.replacement, ' ');
    });
  }
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      replacement: this.replacement,
      prepend_scheme: this.prependScheme,
      split: this.split,
    };
  }
}
