/**
 * The answer patterns of the bsdgames quiz tables (quiz(6)): a field is a small regular language.
 *
 * ```
 * {x}      optional          Brussel{s}            → Brussel, Brussels
 * a|b      alternatives      Vienna|Wien           → Vienna, Wien
 * [a|b]    a group           Andorra la V[ell|iej]a → Andorra la Vella, Andorra la Vieja
 * \c       the character c   To be{,} or not to be{\:}
 * ```
 *
 * Accents are ASCII marks typed over the letter (`'`, backspace, `a`, in a group with the plain
 * letter: `Bogot['a|a'|a]`); backspaces are dropped.
 *
 * {@link expandQuizPattern} lists every string a pattern matches (a checker accepts any of them);
 * {@link canonicalAnswer} is the one to teach: the first alternative with every optional part in
 * (`Brussel{s}|Bruxelles` → `Brussels`, `{City of the }Corsairs` → `City of the Corsairs`), with the
 * tables' ASCII accents composed (`Bogot['a|a'|a]` → `Bogotá`; the checker accepts `Bogota` too).
 *
 * A table is lines of fields separated by unescaped `:`; a line ending in `\` continues on the next.
 */
import { TaskDataError } from '../errors.js';

type Node = { kind: 'text'; text: string } | { kind: 'optional' | 'group'; alt: Node[][] };

/** Parses `alt := seq ('|' seq)*`, `seq := (char | {alt} | [alt])*`. */
function parse(pattern: string): Node[][] {
  let pos = 0;
  const fail = (expected: string): never => {
    throw new TaskDataError({
      operation: 'parseQuizPattern',
      where: `column ${pos + 1}`,
      expected,
      found: JSON.stringify(pattern),
    });
  };
  const alt = (closer: string | undefined): Node[][] => {
    const alternatives: Node[][] = [[]];
    while (pos < pattern.length) {
      const c = pattern[pos]!;
      if (c === closer) return alternatives;
      pos++;
      const seq = alternatives[alternatives.length - 1]!;
      if (c === '\b') continue; // the tables overstrike accents: ' backspace a
      if (c === '|') alternatives.push([]);
      else if (c === '{' || c === '[') {
        const inner = alt(c === '{' ? '}' : ']');
        if (pattern[pos] !== (c === '{' ? '}' : ']')) fail(`a closing ${c === '{' ? '}' : ']'}`);
        pos++;
        seq.push({ kind: c === '{' ? 'optional' : 'group', alt: inner });
      } else if (c === '}' || c === ']') fail(`text, found a stray ${c}`);
      else {
        const ch = c === '\\' && pos < pattern.length ? pattern[pos++]! : c;
        const last = seq[seq.length - 1];
        if (last?.kind === 'text') last.text += ch;
        else seq.push({ kind: 'text', text: ch });
      }
    }
    if (closer !== undefined) fail(`a closing ${closer}`);
    return alternatives;
  };
  return alt(undefined);
}

function expandAlt(alt: Node[][], limit: number): string[] {
  const out: string[] = [];
  for (const seq of alt) {
    let partial = [''];
    for (const node of seq) {
      const options =
        node.kind === 'text'
          ? [node.text]
          : [...(node.kind === 'optional' ? [''] : []), ...expandAlt(node.alt, limit)];
      const next: string[] = [];
      for (const p of partial) for (const o of options) next.push(p + o);
      if (next.length > limit) {
        throw new TaskDataError({
          operation: 'expandQuizPattern',
          expected: `at most ${limit} expansions`,
          found: `more than ${limit}`,
          hint: 'raise the limit, or match the pattern without expanding it',
        });
      }
      partial = next;
    }
    out.push(...partial);
  }
  return out;
}

/** The tables' ASCII accents (`Bogot['a|a'|a]`): the mark before or after the letter. */
const MARKS: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '~': '\u0303',
  '"': '\u0308',
};

/** A group like ['a|a'|a] (a letter with and without a mark) → the accented letter ('á'), else undefined. */
function accentGroup(alt: Node[][]): string | undefined {
  const texts = alt.map((seq) => (seq.length === 1 && seq[0]!.kind === 'text' ? seq[0]!.text : undefined));
  const letter = texts.find((t) => t?.length === 1 && /\p{L}/u.test(t));
  if (!letter) return undefined;
  let mark: string | undefined;
  for (const t of texts) {
    if (t === letter) continue;
    const m = t?.length === 2 && t.includes(letter) ? MARKS[t.replace(letter, '')] : undefined;
    if (!m || (mark !== undefined && m !== mark)) return undefined;
    mark = m;
  }
  return mark ? `${letter}${mark}`.normalize('NFC') : undefined;
}

function canonicalAlt(alt: Node[][]): string {
  return alt[0]!
    .map((n) =>
      n.kind === 'text' ? n.text : (n.kind === 'group' && accentGroup(n.alt)) || canonicalAlt(n.alt),
    )
    .join('');
}

/**
 * Every string the pattern matches (trimmed, spaces collapsed, duplicates removed), in order.
 *
 * @example
 * ```ts
 * expandQuizPattern('Brussel{s}|Bruxelles'); // ['Brussel', 'Brussels', 'Bruxelles']
 * ```
 */
export function expandQuizPattern(pattern: string, limit = 4096): string[] {
  const seen = new Set<string>();
  for (const s of expandAlt(parse(pattern), limit)) {
    const t = s.replace(/\s+/g, ' ').trim();
    if (t !== '') seen.add(t);
  }
  return [...seen];
}

/**
 * The answer to teach: the first alternative, optional parts included.
 *
 * @example
 * ```ts
 * canonicalAnswer('{the }{u.s.s. }enterprise|Enterprise'); // 'the u.s.s. enterprise'
 * canonicalAnswer('Andorra la V[ell|iej]a');                // 'Andorra la Vella'
 * ```
 */
export function canonicalAnswer(pattern: string): string {
  return canonicalAlt(parse(pattern)).replace(/\s+/g, ' ').trim();
}

/**
 * A quiz table's text → rows of fields (continuation lines joined, split on unescaped `:`; the
 * fields keep their escapes for the pattern functions).
 *
 * @example
 * ```ts
 * parseQuizTable('Austria:Vienna|Wien\nBelgium:Brussel{s}\n'); // [['Austria', 'Vienna|Wien'], ['Belgium', 'Brussel{s}']]
 * ```
 */
export function parseQuizTable(text: string): string[][] {
  const rows: string[][] = [];
  let line = '';
  for (const raw of text.split('\n')) {
    if (raw.endsWith('\\') && !raw.endsWith('\\\\')) {
      line += raw.slice(0, -1);
      continue;
    }
    line += raw;
    if (line.trim() !== '') {
      const fields: string[] = [];
      let field = '';
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (c === '\\' && i + 1 < line.length) {
          field += c + line[++i];
        } else if (c === ':') {
          fields.push(field);
          field = '';
        } else field += c;
      }
      fields.push(field);
      rows.push(fields);
    }
    line = '';
  }
  return rows;
}

/**
 * The canonical form of each top-level alternative (the subjects a question field names).
 *
 * @example
 * ```ts
 * topAlternatives('large|big');          // ['large', 'big']
 * topAlternatives('Cal{if{ornia}}|CA');  // ['California', 'CA']
 * ```
 */
export function topAlternatives(pattern: string): string[] {
  return [...new Set(parse(pattern).map((seq) => canonicalAlt([seq]).replace(/\s+/g, ' ').trim()))].filter(
    (s) => s !== '',
  );
}
