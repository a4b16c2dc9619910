/**
 * The `pattern` option of `fromTiktoken`, `loadTokenizer` and `trainTokenizer`: a built-in name
 * (`gpt2`, `cl100k`, `llama3`, `o200k`), a regex in tokenizer.json's (Oniguruma) spelling, a
 * RegExp, or a {@link SplitPattern}. All resolve to a {@link SplitPattern}; a regex that does not
 * compile or that can backtrack catastrophically is a TokenizerInputError naming the option.
 *
 *     'gpt2'                  -> GPT2_PATTERN (not the literal regex "gpt2")
 *     "'s|\\p{L}+|\\s+"       -> { name: 'custom', hf: the string, js: its JS translation }
 */
import { TokenizerError, TokenizerInputError } from '../errors.js';
import { assertLinearRegex, compileHFPattern } from '../normalizers/hf-pattern.js';
import { findKnownPattern, NAMED_PATTERNS, namedPattern, type SplitPattern } from '../pipeline/patterns.js';
import { findRegexHazard } from '../pipeline/regex-safety.js';

/** What {@link resolvePatternOption} accepts. */
export type PatternOption = string | RegExp | SplitPattern;

/**
 * Resolves a `pattern` option (see the file comment).
 *
 * @example
 * ```ts
 * resolvePatternOption('cl100k', 'fromTiktoken').name; // 'cl100k'
 * resolvePatternOption('(a+)+$', 'fromTiktoken'); // throws TokenizerInputError: exponential backtracking
 * ```
 */
export function resolvePatternOption(
  pattern: unknown,
  operation: string,
  allowUnsafeRegex = false,
): SplitPattern {
  const where = 'options.pattern';
  if (typeof pattern === 'string') {
    const known = namedPattern(pattern) ?? findKnownPattern(pattern);
    if (known) return known;
    let js: string;
    try {
      js = compileHFPattern({ Regex: pattern }, where).source;
    } catch (cause) {
      throw new TokenizerInputError({
        operation,
        where,
        expected: `a built-in name (${Object.keys(NAMED_PATTERNS).join(', ')}) or a regex`,
        found: `${JSON.stringify(pattern.slice(0, 80))}, which does not compile (${TokenizerError.isInstance(cause) ? cause.found : String(cause)})`,
        hint: 'write the regex as tokenizer.json does (Oniguruma syntax, e.g. "\\\\p{L}+|\\\\s+")',
        cause,
      });
    }
    if (!allowUnsafeRegex) assertLinearRegex(pattern, { operation, where, from: 'option' });
    return { name: 'custom', hf: pattern, js };
  }
  if (pattern instanceof RegExp) {
    const hazard = allowUnsafeRegex ? null : findRegexHazard(pattern.source);
    if (hazard) {
      throw new TokenizerInputError({
        operation,
        where,
        expected: 'a regex that matches in linear time',
        found: `/${pattern.source.slice(0, 80)}/: ${hazard.description}`,
        hint: 'rewrite the pattern without nested or overlapping repeats, or pass { allowUnsafeRegex: true } if you accept the risk',
      });
    }
    try {
      new RegExp(pattern.source, 'gu');
    } catch (cause) {
      throw new TokenizerInputError({
        operation,
        where,
        expected: "a RegExp that compiles with the 'u' flag (the split runs with 'gu')",
        found: `/${pattern.source.slice(0, 80)}/`,
        hint: 'escape characters the u flag treats strictly (a lone "{", "]" or "\\-" outside a class)',
        cause,
      });
    }
    return { name: 'custom', hf: pattern.source, js: pattern.source };
  }
  if (
    typeof pattern === 'object' &&
    pattern !== null &&
    typeof (pattern as SplitPattern).hf === 'string' &&
    typeof (pattern as SplitPattern).js === 'string'
  ) {
    const p = pattern as SplitPattern;
    const known = findKnownPattern(p.hf);
    if (known) return known;
    resolvePatternOption(new RegExp(compiles(p.js, operation)), operation, allowUnsafeRegex);
    return p;
  }
  throw new TokenizerInputError({
    operation,
    where,
    expected: `a built-in name (${Object.keys(NAMED_PATTERNS).join(', ')}), a regex string, a RegExp or a SplitPattern`,
    found: pattern === null ? 'null' : typeof pattern,
    hint: "e.g. { pattern: 'o200k' }",
  });
}

function compiles(js: string, operation: string): string {
  try {
    new RegExp(js, 'gu');
    return js;
  } catch (cause) {
    throw new TokenizerInputError({
      operation,
      where: 'options.pattern.js',
      expected: "a JS regex source that compiles with the 'gu' flags",
      found: JSON.stringify(js.slice(0, 80)),
      hint: 'SplitPattern.js is the JS spelling of SplitPattern.hf',
      cause,
    });
  }
}
