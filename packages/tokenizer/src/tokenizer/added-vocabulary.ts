/**
 * Added tokens (special tokens like `<|endoftext|>`, `<s>`, and user-added words) are found in the
 * input before anything else runs, and the text between them goes down the pipeline. HF semantics:
 *
 * - Matching is leftmost-longest: at the first position where any token starts, the longest token
 *   that starts there wins (`<|end|>` vs `<|endoftext|>` -> the latter), then the scan resumes after it.
 * - `normalized: false` tokens are matched on the raw input; `normalized: true` ones on the text
 *   after the normalizer, in the gaps left by the first kind (two passes, as HF).
 * - `single_word`: the match only counts when no word character (`\w`) touches it on either side.
 * - `lstrip` / `rstrip`: the match also swallows the whitespace before / after it.
 *
 * Worked example, tokens `<s>` (lstrip) and `</s>`:
 *
 *     "hi  <s>yo</s>"  ->  "hi" | "  <s>" = <s> | "yo" | "</s>" = </s>
 *
 * The matcher is a trie over UTF-16 units (`pipeline/trie.ts`) walked from each candidate position (positions whose
 * unit starts some token; a single possible first unit is found with `indexOf`). Cost is linear in
 * the input times the longest token length, with no backtracking.
 */
import { WHITE_SPACE } from '../pipeline/patterns.js';
import { Trie } from '../pipeline/trie.js';
import type { AddedTokenConfig } from '../pipeline/types.js';

/**
 * A special token as tokenizer.json lists it when nothing else is said: matched on the raw input,
 * whole, without stripping (what tiktoken's special tokens, GPT-2's `<|endoftext|>` and the
 * trainers' special tokens are).
 *
 * @example
 * ```ts
 * specialToken(50256, '<|endoftext|>').normalized; // false
 * ```
 */
export function specialToken(id: number, content: string): AddedTokenConfig {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A stretch of input: plain text (`token === null`) or one added token. */
export interface AddedSplit {
  start: number;
  end: number;
  token: AddedTokenConfig | null;
}

const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const SPACE_CHAR = new RegExp(`[${WHITE_SPACE}]`);

/** The added tokens of one matching pass, in a trie over UTF-16 units (a node's value: the token's index). */
class TokenTrie {
  readonly trie = new Trie();
  readonly tokens: AddedTokenConfig[] = [];
  /** The units some token starts with: positions holding none are skipped without a lookup. */
  readonly firstUnits = new Set<number>();

  get size(): number {
    return this.tokens.length;
  }

  add(token: AddedTokenConfig): void {
    const s = token.content;
    if (s.length === 0) return;
    this.trie.insert(s, this.tokens.length, 'unit');
    this.tokens.push(token);
    this.firstUnits.add(s.charCodeAt(0));
  }
}

/**
 * The set of added tokens of a tokenizer, with lookups and the splitter.
 *
 * @example
 * ```ts
 * import { AddedVocabulary } from '@llmforge/tokenizer';
 * const av = new AddedVocabulary([{ id: 0, content: '<|endoftext|>', single_word: false, lstrip: false,
 *   rstrip: false, normalized: false, special: true }]);
 * av.split('a<|endoftext|>b', false, () => true).map((s) => [s.start, s.end, s.token?.id ?? null]);
 * // [[0, 1, null], [1, 14, 0], [14, 15, null]]
 * ```
 */
export class AddedVocabulary {
  readonly tokens: readonly AddedTokenConfig[];
  private readonly byContentMap = new Map<string, AddedTokenConfig>();
  private readonly byIdMap = new Map<number, AddedTokenConfig>();
  private readonly raw = new TokenTrie();
  private readonly normalized = new TokenTrie();

  constructor(tokens: readonly AddedTokenConfig[]) {
    this.tokens = tokens.map((t) => ({ ...t }));
    for (const t of this.tokens) {
      this.byContentMap.set(t.content, t);
      this.byIdMap.set(t.id, t);
      (t.normalized ? this.normalized : this.raw).add(t);
    }
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The added token with this content. */
  byContent(content: string): AddedTokenConfig | undefined {
    return this.byContentMap.get(content);
  }

  /** The added token with this id. */
  byId(id: number): AddedTokenConfig | undefined {
    return this.byIdMap.get(id);
  }

  /** True if some added tokens are matched after normalization. */
  get hasNormalized(): boolean {
    return this.normalized.size > 0;
  }

  /** True if some added tokens are matched on the raw input. */
  get hasRaw(): boolean {
    return this.raw.size > 0;
  }

  /**
   * Splits `text` on the added tokens of one pass (`normalized` false: the raw-input tokens; true:
   * the normalized ones). `allowed(token)` says whether a token may match at all (special tokens
   * outside `allowedSpecial` are plain text).
   */
  split(text: string, normalized: boolean, allowed: (t: AddedTokenConfig) => boolean): AddedSplit[] {
    const trie = normalized ? this.normalized : this.raw;
    const out: AddedSplit[] = [];
    if (trie.size === 0 || text.length === 0) {
      out.push({ start: 0, end: text.length, token: null });
      return out;
    }
    const single = trie.firstUnits.size === 1 ? String.fromCharCode([...trie.firstUnits][0]!) : null;
    let startOffset = 0;
    let i = 0;
    while (i < text.length) {
      if (single !== null) {
        i = text.indexOf(single, i);
        if (i < 0) break;
      } else if (!trie.firstUnits.has(text.charCodeAt(i))) {
        i++;
        continue;
      }
      // Longest allowed token starting at i.
      let node = 0;
      let best: AddedTokenConfig | null = null;
      let bestEnd = i;
      for (let j = i; j < text.length; j++) {
        node = trie.trie.child(node, text.charCodeAt(j));
        if (node < 0) break;
        const index = trie.trie.value(node);
        const token = index < 0 ? undefined : trie.tokens[index];
        if (token && allowed(token)) {
          best = token;
          bestEnd = j + 1;
        }
      }
      if (!best) {
        i++;
        continue;
      }
      let start = i;
      let stop = bestEnd;
      i = bestEnd;
      if (best.single_word) {
        const before = start === 0 ? '' : lastChar(text, start);
        const after = stop >= text.length ? '' : String.fromCodePoint(text.codePointAt(stop)!);
        if ((before && WORD_CHAR.test(before)) || (after && WORD_CHAR.test(after))) {
          // Not a single word: HF discards the match and resumes after it.
          continue;
        }
      }
      if (best.lstrip) {
        let s = start;
        while (s > 0 && SPACE_CHAR.test(text[s - 1]!)) s--;
        start = Math.max(s, startOffset);
      }
      if (best.rstrip) {
        while (stop < text.length && SPACE_CHAR.test(text[stop]!)) stop++;
      }
      if (startOffset < start) out.push({ start: startOffset, end: start, token: null });
      out.push({ start, end: stop, token: best });
      startOffset = stop;
      // HF's matcher resumes after the original match; with rstrip the next match may only
      // start after the stripped whitespace, which is the same for whitespace-free tokens.
      if (i < stop) i = stop;
    }
    if (startOffset < text.length) out.push({ start: startOffset, end: text.length, token: null });
    return out;
  }
}

function lastChar(text: string, end: number): string {
  const c = text.charCodeAt(end - 1);
  if (c >= 0xdc00 && c <= 0xdfff && end >= 2) {
    const h = text.charCodeAt(end - 2);
    if (h >= 0xd800 && h <= 0xdbff) return text.slice(end - 2, end);
  }
  return text[end - 1]!;
}
