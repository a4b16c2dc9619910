/**
 * ByteLevel post-processor: adds no tokens; with `trim_offsets`, a token's span drops its leading and
 * trailing spaces: "Ġworld" at [5,11) -> [6,11). RoBERTa's processor uses the same trimming.
 */
import type { EncodedToken, PostProcessor } from '../pipeline/types.js';

const SPACE_CHAR = 'Ġ';
const WS = /\p{White_Space}/u;

/**
 * HF's `process_offsets`: move the start past leading spaces ("Ġ" or whitespace) and the end before
 * trailing ones, never past each other. With `addPrefixSpace`, a single leading space on the first
 * token is the added one and is kept.
 */
export function trimByteLevelOffsets(tokens: EncodedToken[], addPrefixSpace: boolean): EncodedToken[] {
  return tokens.map((t, i) => {
    const chars = Array.from(t.value);
    let lead = 0;
    while (lead < chars.length && (chars[lead] === SPACE_CHAR || WS.test(chars[lead]!))) lead++;
    let trail = 0;
    while (
      trail < chars.length &&
      (chars[chars.length - 1 - trail] === SPACE_CHAR || WS.test(chars[chars.length - 1 - trail]!))
    )
      trail++;
    if (lead === 0 && trail === 0) return t;
    let { start, end } = t;
    if (lead > 0) {
      const isFirst = i === 0 || start === 0;
      if (!(isFirst && addPrefixSpace && lead === 1)) start = Math.min(start + lead, end);
    }
    if (trail > 0 && end >= trail) end = Math.max(end - trail, start);
    return { ...t, start, end };
  });
}

/**
 * @example
 * ```ts
 * new ByteLevelProcessing(true, false).process([{ id: 1, value: 'Ġhi', start: 2, end: 5, typeId: 0, special: false }], null)
 * // [{ ..., start: 3, end: 5 }]
 * ```
 */
export class ByteLevelProcessing implements PostProcessor {
  readonly type = 'ByteLevel';
  constructor(
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
  ) {}
  addedTokens(): number {
    return 0;
  }
  process(first: EncodedToken[], second: EncodedToken[] | null): EncodedToken[] {
    if (this.trimOffsets) {
      first = trimByteLevelOffsets(first, this.addPrefixSpace);
      if (second) second = trimByteLevelOffsets(second, this.addPrefixSpace);
    }
    return second ? [...first, ...second] : first;
  }
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      add_prefix_space: this.addPrefixSpace,
      trim_offsets: this.trimOffsets,
      use_regex: true,
    };
  }
}
