/**
 * The split regexes of the byte-level BPE families, in two spellings each:
 *
 * - `hf`: as tokenizer.json and tiktoken write it (Oniguruma / Rust syntax, with `(?i:...)` groups);
 *   this is what `toJSON()` saves.
 * - `js`: an equivalent JS source for `new RegExp(js, 'gu')`, what the encoder runs.
 *
 * The translation is exact, not approximate. Three differences matter:
 *
 * 1. `(?i:'s|'t)` (inline case folding) does not exist in Node 20: spelled out as `'[sSſ]|'[tT]`.
 *    `ſ` (U+017F LONG S) is there because Unicode case folding maps it to `s`, so the Rust regex
 *    matches `'ſ` too.
 * 2. `\s` differs: JS counts U+FEFF (BOM) as space and not U+0085 (NEL); Rust and Oniguruma use the
 *    Unicode White_Space property (U+0085 yes, U+FEFF no). We spell out {@link WHITE_SPACE}.
 * 3. Possessive quantifiers (`?+`, `++` in tiktoken's cl100k) are dropped: in these patterns the
 *    quantified class and what follows it are disjoint, so backtracking never changes the match.
 *
 * Worked example with the GPT-2 pattern on `"Hello world's  42!!\n"`:
 *
 *     "Hello" " world" "'s" " " " 42" "!!" "\n"
 *
 * (the run of two spaces gives one to `\s+(?!\S)` and leaves one to prefix " 42").
 */

/** Unicode White_Space, as Rust's and Oniguruma's `\s` (a character class body, no brackets). */
export const WHITE_SPACE = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const S = `[${WHITE_SPACE}]`;
const NOT_S = `[^${WHITE_SPACE}]`;
const CONTRACTIONS = "'(?:[sSſ]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

/** One split pattern in its two spellings (see the file comment). */
export interface SplitPattern {
  /** Short name: `gpt2`, `cl100k`, `o200k`. */
  readonly name: string;
  /** The pattern as tokenizer.json / tiktoken write it. */
  readonly hf: string;
  /** An exactly equivalent JS source, to compile with the `gu` flags. */
  readonly js: string;
}

/**
 * GPT-2's pattern, also used by tiktoken's `r50k_base`, `p50k_base`, `p50k_edit` and by the HF
 * `ByteLevel` pre-tokenizer when `use_regex` is true.
 *
 * @example
 * ```ts
 * import { GPT2_PATTERN } from '@llmforge/tokenizer';
 * 'Hello world'.match(new RegExp(GPT2_PATTERN.js, 'gu')); // ['Hello', ' world']
 * ```
 */
export const GPT2_PATTERN: SplitPattern = {
  name: 'gpt2',
  hf: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  js: `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WHITE_SPACE}\\p{L}\\p{N}]+|${S}+(?!${NOT_S})|${S}+`,
};

/**
 * tiktoken's `cl100k_base` pattern (GPT-3.5/GPT-4), as tiktoken writes it today: trailing
 * whitespace at the very end of the text is one piece (`\\s++$`), a newline run keeps only its last
 * line break in the whitespace piece before it.
 *
 * @example
 * ```ts
 * import { CL100K_PATTERN } from '@llmforge/tokenizer';
 * 'x = 12345;'.match(new RegExp(CL100K_PATTERN.js, 'gu')); // ['x', ' =', ' ', '123', '45', ';']
 * ```
 */
export const CL100K_PATTERN: SplitPattern = {
  name: 'cl100k',
  hf: "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s",
  js: `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WHITE_SPACE}\\p{L}\\p{N}]+[\\r\\n]*|${S}+$|${S}*[\\r\\n]|${S}+(?!${NOT_S})|${S}`,
};

/**
 * The Llama 3 split (the older spelling of cl100k that HF tokenizer.json files carry). It differs
 * from {@link CL100K_PATTERN} only on whitespace at the very end of the text.
 *
 * @example
 * ```ts
 * import { LLAMA3_PATTERN } from '@llmforge/tokenizer';
 * "it's 2024".match(new RegExp(LLAMA3_PATTERN.js, 'gu')); // ['it', "'s", ' ', '202', '4']
 * ```
 */
export const LLAMA3_PATTERN: SplitPattern = {
  name: 'llama3',
  hf: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  js: `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WHITE_SPACE}\\p{L}\\p{N}]+[\\r\\n]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`,
};

const UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';

/**
 * tiktoken's `o200k_base` pattern (GPT-4o): words split at case changes (`"HelloWorld"` gives
 * `"Hello"`, `"World"`), contractions glued to their word, `/` kept with punctuation runs.
 *
 * @example
 * ```ts
 * import { O200K_PATTERN } from '@llmforge/tokenizer';
 * "HelloWorld don't".match(new RegExp(O200K_PATTERN.js, 'gu')); // ['Hello', 'World', " don't"]
 * ```
 */
export const O200K_PATTERN: SplitPattern = {
  name: 'o200k',
  hf: [
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    '\\p{N}{1,3}',
    ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
    '\\s*[\\r\\n]+',
    '\\s+(?!\\S)',
    '\\s+',
  ].join('|'),
  js: [
    `[^\\r\\n\\p{L}\\p{N}]?${UPPER}*${LOWER}+(?:${CONTRACTIONS})?`,
    `[^\\r\\n\\p{L}\\p{N}]?${UPPER}+${LOWER}*(?:${CONTRACTIONS})?`,
    '\\p{N}{1,3}',
    ` ?[^${WHITE_SPACE}\\p{L}\\p{N}]+[\\r\\n/]*`,
    `${S}*[\\r\\n]+`,
    `${S}+(?!${NOT_S})`,
    `${S}+`,
  ].join('|'),
};

/**
 * The known patterns by their tokenizer.json / tiktoken spelling.
 */
const ALIASES: ReadonlyMap<string, SplitPattern> = new Map([
  [GPT2_PATTERN.hf, GPT2_PATTERN],
  [CL100K_PATTERN.hf, CL100K_PATTERN],
  [LLAMA3_PATTERN.hf, LLAMA3_PATTERN],
  [O200K_PATTERN.hf, O200K_PATTERN],
]);

/**
 * Recognises a split pattern written the way tokenizer.json or tiktoken write it; `undefined` for
 * any other pattern (which then runs through the general Oniguruma translation of the `Split`
 * pre-tokenizer).
 *
 * @example
 * ```ts
 * import { CL100K_PATTERN, findKnownPattern } from '@llmforge/tokenizer';
 * findKnownPattern(CL100K_PATTERN.hf)?.name; // 'cl100k'
 * ```
 */
export function findKnownPattern(hfSource: string): SplitPattern | undefined {
  return ALIASES.get(hfSource);
}

/**
 * The built-in patterns by short name, as `trainTokenizer`, `fromTiktoken` and the CLI accept them
 * in their `pattern` option.
 */
export const NAMED_PATTERNS: Readonly<Record<string, SplitPattern>> = {
  gpt2: GPT2_PATTERN,
  cl100k: CL100K_PATTERN,
  llama3: LLAMA3_PATTERN,
  o200k: O200K_PATTERN,
};

/**
 * A built-in pattern by short name (`gpt2`, `cl100k`, `llama3`, `o200k`), or undefined.
 *
 * @example
 * ```ts
 * namedPattern('o200k')?.hf.startsWith('[^\\r\\n'); // true
 * namedPattern('toString'); // undefined
 * ```
 */
export function namedPattern(name: string): SplitPattern | undefined {
  return Object.hasOwn(NAMED_PATTERNS, name) ? NAMED_PATTERNS[name] : undefined;
}
