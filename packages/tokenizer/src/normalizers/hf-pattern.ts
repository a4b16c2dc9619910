/**
 * Patterns as tokenizer.json writes them: `{ "String": " " }` (a literal) or `{ "Regex": "\\s+" }`
 * (an Oniguruma regex, the engine HF tokenizers uses). This file turns both into a global JS RegExp.
 *
 * Oniguruma and JS differ in a few places that real tokenizer files hit; we translate them:
 *
 *   Oniguruma            JS (u flag)
 *   (?i:'s|'t)           ['][sS]|['][tT]       inline case-insensitive groups (not in Node 20)
 *   \d \w \h             \p{Nd} [\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}] [0-9a-fA-F]
 *   \s \S                \p{White_Space} \P{White_Space}                  (JS's \s adds U+FEFF)
 *   \A \z \Z  ^ $        (?<![\s\S]) (?![\s\S]) ...  line anchors as lookarounds on \n
 *   X++ X*+ X?+ (?>X)    (?=(?<aN>X+))\k<aN>   possessive / atomic via a lookahead capture
 *   X{1,3}+              (?:X{1,3})+            Ruby syntax: an interval then `+` is a repeat
 *   \x{263A}             \u{263A}
 *   \'  \#  (escaped non-syntax characters)  the character itself
 */
import { TokenizerFormatError, TokenizerInputError } from '../errors.js';
import { findKnownPattern } from '../pipeline/patterns.js';
import { findRegexHazard } from '../pipeline/regex-safety.js';
import { previewJSON } from '../tokenizer/arguments.js';

/** A tokenizer.json pattern: a literal string or an Oniguruma regex. */
export type HFPattern = { String: string } | { Regex: string };

/**
 * Oniguruma's Unicode `\w` as HF's build behaves: letters (incl. Nl), marks, Nd, Pc; not ZWJ. Outside
 * a class it also takes the Latin-1 superscripts ¹ ² ³ (Oniguruma's single-byte word table), inside
 * a class it does not.
 */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}';
const WORD_OUTSIDE = `${WORD}\\u00b2\\u00b3\\u00b9`;

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

/** Escapes `s` for use as a literal inside a JS RegExp. */
function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Oniguruma accepts script names bare (`\p{Han}`); JS wants `\p{Script=Han}` for them. */
function unicodePropertyName(name: string): string {
  try {
    new RegExp(`\\p{${name}}`, 'u');
    return name;
  } catch {
    return `Script=${name}`;
  }
}

function caseClass(ch: string): string {
  const lo = ch.toLowerCase();
  const up = ch.toUpperCase();
  if (lo === up || lo.length !== 1 || up.length !== 1) return ch;
  return `[${lo}${up}]`;
}

/**
 * Translates an Oniguruma regex source into a JS RegExp source for the `u` flag.
 *
 * @example
 * ```ts
 * translateOnigurumaRegex("(?i:'s|'t)") // "(?:'[sS]|'[tT])"
 * ```
 */
export function translateOnigurumaRegex(src: string, where = 'pattern'): string {
  let out = '';
  let i = 0;
  let inClass = 0;
  let ignoreCaseDepth = 0;
  // Stack of group start positions in `out` (and whether each group switched on case folding).
  const groups: { start: number; ci: boolean }[] = [];
  let atomStart = -1; // start in `out` of the last complete atom, for possessive quantifiers
  let named = 0;
  const fail = (msg: string): never => {
    throw new TokenizerFormatError({
      operation: 'translateOnigurumaRegex',
      where,
      expected: 'an Oniguruma regex this library can translate to JS',
      found: `${msg} in ${JSON.stringify(src)}`,
      hint: 'simplify the pattern (possessive quantifiers on groups, lookbehind of variable length and \\G are not supported)',
    });
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === undefined) fail('a trailing backslash');
      let piece: string;
      let len = 2;
      switch (next) {
        case 'd':
          piece = '\\p{Nd}';
          break;
        case 'D':
          piece = '\\P{Nd}';
          break;
        case 's':
          piece = '\\p{White_Space}';
          break;
        case 'S':
          piece = '\\P{White_Space}';
          break;
        case 'w':
          piece = inClass ? WORD : `[${WORD_OUTSIDE}]`;
          break;
        case 'W':
          piece = inClass ? fail('\\W inside a character class') : `[^${WORD_OUTSIDE}]`;
          break;
        case 'h':
          piece = inClass ? '0-9a-fA-F' : '[0-9a-fA-F]';
          break;
        case 'H':
          piece = inClass ? fail('\\H inside a character class') : '[^0-9a-fA-F]';
          break;
        case 'A':
          piece = '(?<![\\s\\S])';
          break;
        case 'z':
          piece = '(?![\\s\\S])';
          break;
        case 'Z':
          piece = '(?=\\n?(?![\\s\\S]))';
          break;
        case 'G':
          piece = fail('\\G');
          break;
        case 'x': {
          if (src[i + 2] === '{') {
            const close = src.indexOf('}', i + 3);
            if (close < 0) fail('an unterminated \\x{');
            piece = `\\u{${src.slice(i + 3, close)}}`;
            len = close + 1 - i;
          } else {
            piece = src.slice(i, i + 4);
            len = 4;
          }
          break;
        }
        case 'p':
        case 'P': {
          const close = src.indexOf('}', i + 2);
          const body = src.slice(i + 3, close);
          len = close + 1 - i;
          const neg = body.startsWith('^');
          const name = neg ? body.slice(1) : body;
          const letter = (next === 'P') !== neg ? 'P' : 'p';
          piece = `\\${letter}{${unicodePropertyName(name)}}`;
          break;
        }
        default:
          if (/[A-Za-z0-9]/.test(next!)) piece = `\\${next}`;
          else if (SYNTAX.has(next!) || (inClass && next === '-')) piece = `\\${next}`;
          else piece = next!;
      }
      if (!inClass) atomStart = out.length;
      out += ignoreCaseDepth && !inClass && piece.length === 1 ? caseClass(piece) : piece;
      i += len;
      continue;
    }
    if (inClass) {
      if (ch === '[') {
        // Oniguruma allows nested classes; flatten a simple nested class into the outer one.
        if (src[i + 1] === ':') fail('a POSIX bracket expression');
        inClass++;
        i++;
        continue;
      }
      if (ch === ']') {
        inClass--;
        i++;
        if (inClass === 0) out += ']';
        continue;
      }
      if (ignoreCaseDepth && /\p{L}/u.test(ch)) {
        const to = src[i + 2];
        if (src[i + 1] === '-' && to !== undefined && to !== ']' && /\p{L}/u.test(to)) {
          // a range a-z under (?i:...) becomes a-zA-Z
          out += `${ch.toLowerCase()}-${to.toLowerCase()}${ch.toUpperCase()}-${to.toUpperCase()}`;
          i += 3;
          continue;
        }
        const lo = ch.toLowerCase();
        const up = ch.toUpperCase();
        out += lo === up ? ch : `${lo}${up}`;
      } else out += ch;
      i++;
      continue;
    }
    switch (ch) {
      case '[':
        atomStart = out.length;
        inClass = 1;
        out += '[';
        if (src[i + 1] === '^') {
          out += '^';
          i++;
        }
        if (src[i + 1] === ']') {
          out += '\\]';
          i++;
        }
        i++;
        continue;
      case '(': {
        const rest = src.slice(i, i + 4);
        let ci = false;
        if (rest.startsWith('(?i:')) {
          ci = true;
          ignoreCaseDepth++;
          groups.push({ start: out.length, ci });
          out += '(?:';
          i += 4;
          continue;
        }
        if (rest.startsWith('(?>')) {
          groups.push({ start: out.length, ci });
          named++;
          out += `(?=(?<atomic${named}>`;
          i += 3;
          // closed by ')' below, which sees the marker
          groups[groups.length - 1]!.start = -named;
          continue;
        }
        groups.push({ start: out.length, ci });
        out += '(';
        i++;
        continue;
      }
      case ')': {
        const g = groups.pop();
        if (!g) fail('an unbalanced ")"');
        if (g!.ci) ignoreCaseDepth--;
        if (g!.start < 0) {
          out += `))\\k<atomic${-g!.start}>`;
          atomStart = out.lastIndexOf(`(?=(?<atomic${-g!.start}>`);
        } else {
          out += ')';
          atomStart = g!.start;
        }
        i++;
        continue;
      }
      case '*':
      case '+':
      case '?':
      case '{': {
        let q: string = ch;
        if (ch === '{') {
          const close = src.indexOf('}', i);
          if (close < 0 || !/^\{\d*(,\d*)?\}$/.test(src.slice(i, close + 1))) {
            out += '\\{';
            i++;
            continue;
          }
          q = src.slice(i, close + 1);
        }
        i += q.length;
        const mod = src[i];
        if (ch === '{' && mod === '+' && atomStart >= 0) {
          // Ruby syntax: `X{1,3}+` is NOT possessive but `(?:X{1,3})+`; the `+` is read next round.
          out = `${out.slice(0, atomStart)}(?:${out.slice(atomStart)}${q})`;
          continue;
        }
        if (mod === '+' && atomStart >= 0) {
          // Possessive: X*+ == (?>X*)
          named++;
          const atom = out.slice(atomStart);
          out = `${out.slice(0, atomStart)}(?=(?<atomic${named}>${atom}${q}))\\k<atomic${named}>`;
          i++;
        } else if (mod === '?') {
          out += `${q}?`;
          i++;
        } else out += q;
        atomStart = -1;
        continue;
      }
      case '^':
        out += '(?<![^\\n])';
        i++;
        continue;
      case '$':
        out += '(?![^\\n])';
        i++;
        continue;
      default: {
        atomStart = out.length;
        const cp = src.codePointAt(i)!;
        const c = String.fromCodePoint(cp);
        out += ignoreCaseDepth ? caseClass(c) : c === '/' ? '\\/' : c;
        i += c.length;
      }
    }
  }
  if (groups.length > 0) fail('an unclosed "("');
  return out;
}

/**
 * The matches of a global regex as HF's engines report them: like `matchAll`, except that an empty
 * match right where the previous match ended is skipped ("l*" on "hello": "", "", "ll", "", not
 * the extra "" JS finds between "ll" and "o"). Flat `[s0, e0, s1, e1, ...]`.
 */
export function hfMatches(text: string, re: RegExp): number[] {
  const out: number[] = [];
  if (text.length === 0) return out; // HF never matches inside an empty string
  let prevEnd = -1;
  for (const m of text.matchAll(re)) {
    const s = m.index;
    const e = s + m[0].length;
    if (s === e && s === prevEnd) continue;
    out.push(s, e);
    prevEnd = e;
  }
  return out;
}

/** Replaces every match (HF semantics, see {@link hfMatches}) with `content`. */
export function hfReplaceAll(text: string, re: RegExp, content: string): string {
  const m = hfMatches(text, re);
  if (m.length === 0) return text;
  let out = '';
  let last = 0;
  for (let k = 0; k < m.length; k += 2) {
    out += text.slice(last, m[k]) + content;
    last = m[k + 1]!;
  }
  return out + text.slice(last);
}

/** Compiles a tokenizer.json pattern into a global, unicode JS RegExp. */
export function compileHFPattern(pattern: unknown, where: string): RegExp {
  if (typeof pattern === 'string') return new RegExp(escapeRegExp(pattern), 'gu');
  if (typeof pattern === 'object' && pattern !== null) {
    const p = pattern as Record<string, unknown>;
    if (typeof p.String === 'string') return new RegExp(escapeRegExp(p.String), 'gu');
    if (typeof p.Regex === 'string') {
      // The big split patterns of GPT-2 / Llama 3 / GPT-4 have hand-checked JS spellings.
      // (Not cl100k: tiktoken reads its `{1,3}+` as possessive, Oniguruma as a repeat.)
      const known = findKnownPattern(p.Regex);
      if (known && known.name !== 'cl100k') return new RegExp(known.js, 'gu');
      const src = translateOnigurumaRegex(p.Regex, where);
      try {
        return new RegExp(src, 'gu');
      } catch (cause) {
        throw new TokenizerFormatError({
          operation: 'compileHFPattern',
          where,
          expected: 'a regex JS can compile after translation',
          found: `${JSON.stringify(p.Regex)} (translated to ${JSON.stringify(src)})`,
          hint: 'report the pattern; it uses Oniguruma syntax this translator does not handle',
          cause,
        });
      }
    }
  }
  throw new TokenizerFormatError({
    operation: 'compileHFPattern',
    where,
    expected: '{ "String": ... } or { "Regex": ... }',
    found: previewJSON(pattern),
    hint: 'a tokenizer.json pattern is an object with one key, "String" (a literal) or "Regex"',
  });
}

/** Where a pattern came from, for {@link assertLinearRegex}'s error. */
export interface PatternSource {
  /** The operation named in the error (`fromJSON`, `trainTokenizer`, ...). */
  operation: string;
  /** The field or option holding the pattern (`pre_tokenizer.pattern`, `options.pattern`). */
  where: string;
  /** A file's pattern raises TokenizerFormatError, an option's TokenizerInputError. */
  from: 'file' | 'option';
  file?: string;
}

/**
 * Refuses a regex (Oniguruma source, as tokenizer.json writes it) that can backtrack
 * catastrophically (`(a+)+$`, `\s*\s*$`): JS regexes cannot be interrupted, so such a pattern
 * would hang `encode` on a few dozen characters. The built-in patterns (GPT-2, cl100k, Llama 3,
 * o200k) are known to be safe; others are analysed by `pipeline/regex-safety.ts`. Patterns that do
 * not translate or compile are left to the loader, which reports them.
 *
 * @example
 * ```ts
 * assertLinearRegex('\\s+(?!\\S)|\\s+', { operation: 'fromJSON', where: 'pre_tokenizer.pattern', from: 'file' }); // fine
 * assertLinearRegex('(a+)+$', { operation: 'fromJSON', where: 'pre_tokenizer.pattern', from: 'file' }); // throws
 * ```
 */
export function assertLinearRegex(regex: string, source: PatternSource): void {
  if (findKnownPattern(regex)) return;
  let js: string;
  try {
    js = translateOnigurumaRegex(regex, source.where);
    new RegExp(js, 'gu');
  } catch {
    return;
  }
  const hazard = findRegexHazard(js);
  if (!hazard) return;
  const ErrorClass = source.from === 'file' ? TokenizerFormatError : TokenizerInputError;
  throw new ErrorClass({
    operation: source.operation,
    ...(source.file ? { file: source.file } : {}),
    where: source.where,
    expected: 'a regex that matches in linear time',
    found: `${JSON.stringify(regex.length > 80 ? `${regex.slice(0, 77)}...` : regex)}: ${hazard.description}`,
    hint:
      source.from === 'file'
        ? 'a pattern like this hangs encode (JS regexes cannot be interrupted); if you trust the file, load it with { allowUnsafeRegex: true }'
        : 'rewrite the pattern without nested or overlapping repeats, or pass { allowUnsafeRegex: true } if you accept the risk',
  });
}

/** Normalizes a pattern option to its tokenizer.json form. */
export function toHFPattern(pattern: string | RegExp | HFPattern): HFPattern {
  if (typeof pattern === 'string') return { String: pattern };
  if (pattern instanceof RegExp) return { Regex: pattern.source };
  return pattern;
}
