/**
 * RobertaProcessing: <s> A </s> for one sequence, <s> A </s> </s> B </s> for a pair, all type ids 0;
 * with `trim_offsets`, byte-level offset trimming as the ByteLevel post-processor.
 */
import type { EncodedToken, PostProcessor } from '../pipeline/types.js';
import { trimByteLevelOffsets } from './byte-level.js';

/**
 * @example
 * ```ts
 * new RobertaProcessing(['</s>', 2], ['<s>', 0]).addedTokens(true) // 4
 * ```
 */
export class RobertaProcessing implements PostProcessor {
  readonly type = 'RobertaProcessing';
  constructor(
    readonly sep: [string, number],
    readonly cls: [string, number],
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
  ) {}
  addedTokens(pair: boolean): number {
    return pair ? 4 : 2;
  }
  private special(t: [string, number], typeId: number): EncodedToken {
    return { id: t[1], value: t[0], start: 0, end: 0, typeId, special: true };
  }
  process(first: EncodedToken[], second: EncodedToken[] | null, addSpecialTokens: boolean): EncodedToken[] {
    if (this.trimOffsets) {
      first = trimByteLevelOffsets(first, this.addPrefixSpace);
      if (second) second = trimByteLevelOffsets(second, this.addPrefixSpace);
    }
    if (!addSpecialTokens) return second ? [...first, ...second] : first;
    const out = [
      this.special(this.cls, 0),
      ...first.map((t) => ({ ...t, typeId: 0 })),
      this.special(this.sep, 0),
    ];
    if (second)
      out.push(
        this.special(this.sep, 0),
        ...second.map((t) => ({ ...t, typeId: 0 })),
        this.special(this.sep, 0),
      );
    return out;
  }
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      sep: this.sep,
      cls: this.cls,
      trim_offsets: this.trimOffsets,
      add_prefix_space: this.addPrefixSpace,
    };
  }
}
