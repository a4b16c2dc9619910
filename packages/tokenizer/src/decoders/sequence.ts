/** Sequence decoder: runs decoders one after the other on the token list. */
import type { Decoder } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new DecoderSequence([new ReplaceDecoder('▁', ' '), new FuseDecoder()]).decodeChain(['▁a', '▁b']) // [' a b']
 * ```
 */
export class DecoderSequence implements Decoder {
  readonly type = 'Sequence';
  constructor(readonly decoders: Decoder[]) {}
  decodeChain(tokens: string[]): string[] {
    for (const d of this.decoders) tokens = d.decodeChain(tokens);
    return tokens;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, decoders: this.decoders.map((d) => d.toJSON()) };
  }
}
