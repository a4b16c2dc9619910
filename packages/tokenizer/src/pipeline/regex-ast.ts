/**
 * A parser of JavaScript regex sources (the `u` flag's syntax) into the small tree that
 * `regex-safety.ts` analyses. It does not interpret characters: a character atom keeps its source
 * (`a`, `\p{L}`, `[^\s\d]`, `.`), and the set it stands for is asked of the JS engine itself.
 *
 *     "(a+)+$"  ->  seq[ repeat{1,∞}( repeat{1,∞}( char "a" ) ), assert "$" ]
 *
 * Groups disappear (capturing or not); lookarounds keep their body; `^ $ \b \B` are assertions
 * without a body; `\1` and `\k<name>` are back-references. The source must already compile with
 * `new RegExp(src, 'u')`: the parser does not repeat the engine's syntax checks.
 */

/** A node of the regex tree. */
export type RegexNode =
  | { readonly kind: 'char'; readonly src: string }
  | { readonly kind: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly options: readonly RegexNode[] }
  | { readonly kind: 'repeat'; readonly body: RegexNode; readonly min: number; readonly max: number }
  | { readonly kind: 'assert'; readonly body: RegexNode | null }
  | { readonly kind: 'backref' };

/** Deeper group nesting than this is refused (the parser and the analysis recurse on it). */
export const MAX_REGEX_NESTING = 100;

/** Why a source could not be parsed; `regex-safety.ts` turns it into a typed error. */
export class RegexParseLimit {
  constructor(readonly reason: string) {}
}

/**
 * Parses a JS regex source (`u` syntax) into a {@link RegexNode}.
 *
 * @example
 * ```ts
 * parseRegex('a|b*'); // { kind: 'alt', options: [char a, repeat{0,∞}(char b)] }
 * ```
 */
export function parseRegex(src: string): RegexNode {
  let i = 0;
  let depth = 0;

  const alternation = (): RegexNode => {
    const options: RegexNode[] = [sequence()];
    while (src[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  };

  const sequence = (): RegexNode => {
    const items: RegexNode[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const atom = atomAt();
      items.push(quantified(atom));
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  };

  const quantified = (atom: RegexNode): RegexNode => {
    const c = src[i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
      i += m[0].length;
    } else return atom;
    if (src[i] === '?') i++; // lazy: the same paths, tried in another order
    return { kind: 'repeat', body: atom, min, max };
  };

  const group = (): RegexNode => {
    i++; // (
    let lookaround = false;
    if (src.startsWith('?:', i)) i += 2;
    else if (src.startsWith('?=', i) || src.startsWith('?!', i)) {
      i += 2;
      lookaround = true;
    } else if (src.startsWith('?<=', i) || src.startsWith('?<!', i)) {
      i += 3;
      lookaround = true;
    } else if (src.startsWith('?<', i)) i = src.indexOf('>', i) + 1;
    if (++depth > MAX_REGEX_NESTING)
      throw new RegexParseLimit(`groups nested deeper than ${MAX_REGEX_NESTING}`);
    const body = alternation();
    depth--;
    i++; // )
    return lookaround ? { kind: 'assert', body } : body;
  };

  const charClass = (): RegexNode => {
    const start = i;
    i++; // [
    while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    i++; // ]
    return { kind: 'char', src: src.slice(start, i) };
  };

  const escapeAt = (): RegexNode => {
    const start = i;
    const c = src[i + 1]!;
    i += 2;
    if (c === 'b' || c === 'B') return { kind: 'assert', body: null };
    if (c >= '1' && c <= '9') {
      while (src[i]! >= '0' && src[i]! <= '9') i++;
      return { kind: 'backref' };
    }
    if (c === 'k' && src[i] === '<') {
      i = src.indexOf('>', i) + 1;
      return { kind: 'backref' };
    }
    if ((c === 'p' || c === 'P' || c === 'u') && src[i] === '{') i = src.indexOf('}', i) + 1;
    else if (c === 'u') i += 4;
    else if (c === 'x') i += 2;
    else if (c === 'c') i += 1;
    return { kind: 'char', src: src.slice(start, i) };
  };

  const atomAt = (): RegexNode => {
    const c = src[i]!;
    if (c === '(') return group();
    if (c === '[') return charClass();
    if (c === '\\') return escapeAt();
    if (c === '^' || c === '$') {
      i++;
      return { kind: 'assert', body: null };
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    return { kind: 'char', src: ch };
  };

  const tree = alternation();
  return tree;
}
