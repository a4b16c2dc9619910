/**
 * BertProcessing: [CLS] A [SEP] for one sequence, [CLS] A [SEP] B [SEP] for a pair; type ids 0 for
 * the first part, 1 for B and its [SEP].
 */
import type { EncodedToken, PostProcessor } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new BertProcessing(['[SEP]', 102], ['[CLS]', 101]).addedTokens(true) // 3
 * ```
 */
export class BertProcessing implements PostProcessor {
  readonly type = 'BertProcessing';
  constructor(
    readonly sep: [string, number],
    readonly cls: [string, number],
  ) {}
  addedTokens(pair: boolean): number {
    return pair ? 3 : 2;
  }
  private special(t: [string, number], typeId: number): EncodedToken {
    return { id: t[1], value: t[0], start: 0, end: 0, typeId, special: true };
  }
  process(first: EncodedToken[], second: EncodedToken[] | null, addSpecialTokens: boolean): EncodedToken[] {
    if (!addSpecialTokens) return second ? [...first, ...second] : first;
    const out = [
      this.special(this.cls, 0),
      ...first.map((t) => ({ ...t, typeId: 0 })),
      this.special(this.sep, 0),
    ];
    if (second) out.push(...second.map((t) => ({ ...t, typeId: 1 })), this.special(this.sep, 1));
    return out;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, sep: this.sep, cls: this.cls };
  }
}
