/** Sequence post-processor: runs several in order. */
import type { EncodedToken, PostProcessor } from '../pipeline/types.js';
import { ByteLevelProcessing } from './byte-level.js';

/**
 * Sequence: per-token processors (ByteLevel) run on each sequence; the first template-like processor
 * merges the pair, later ones see the merged result.
 *
 * @example
 * ```ts
 * new PostProcessorSequence([new ByteLevelProcessing(true), new BertProcessing(['[SEP]', 1], ['[CLS]', 0])]).addedTokens(false) // 2
 * ```
 */
export class PostProcessorSequence implements PostProcessor {
  readonly type = 'Sequence';
  constructor(readonly processors: PostProcessor[]) {}
  addedTokens(pair: boolean): number {
    return this.processors.reduce((n, p) => n + p.addedTokens(pair), 0);
  }
  process(first: EncodedToken[], second: EncodedToken[] | null, addSpecialTokens: boolean): EncodedToken[] {
    let a = first;
    let b = second;
    for (const p of this.processors) {
      if (p instanceof ByteLevelProcessing) {
        a = p.process(a, null);
        if (b) b = p.process(b, null);
      } else {
        a = p.process(a, b, addSpecialTokens);
        b = null;
      }
    }
    return b ? [...a, ...b] : a;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, processors: this.processors.map((p) => p.toJSON()) };
  }
}
