/**
 * Metaspace decoder: "▁" back to spaces; the "▁" the pre-tokenizer prepended to the first token is
 * dropped (unless `prepend_scheme` is `never`). As in HF, it is the Metaspace pre-tokenizer (same
 * settings, same tokenizer.json object) with the way back added.
 *
 *   ["▁Hello", "▁world"]  ->  ["Hello", " world"]
 */
import type { Decoder } from '../pipeline/types.js';
import { Metaspace } from '../pre-tokenizers/metaspace.js';

/**
 * @example
 * ```ts
 * new MetaspaceDecoder().decodeChain(['▁Hello', '▁world']) // ['Hello', ' world']
 * ```
 */
export class MetaspaceDecoder extends Metaspace implements Decoder {
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => {
      // Only a leading replacement character of the first token is dropped, never a literal space.
      if (i === 0 && this.prependScheme !== 'never' && t.startsWith(this.replacement))
        t = t.slice(this.replacement.length);
      return t.replaceAll(this.replacement, ' ');
    });
  }
}
