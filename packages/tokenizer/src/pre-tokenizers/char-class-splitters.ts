/**
 * The pre-tokenizers that split on a fixed class of characters. Each is a regex plus a behavior:
 *
 *   Whitespace          keeps \w+ and [^\w\s]+ runs     "Hi, you!" -> Hi | , | you | !
 *   WhitespaceSplit     drops whitespace                "Hi, you!" -> Hi, | you!
 *   Punctuation         isolates each punctuation char  "Hi, you!" -> Hi | , |  you | !
 *   Digits              isolates digits (each, or runs) "a12" -> a | 1 | 2   (or a | 12)
 *   CharDelimiterSplit  drops one delimiter char        "a_b" -> a | b
 *   BertPreTokenizer    WhitespaceSplit, then Punctuation
 *
 * "Whitespace" is Unicode White_Space and "punctuation" is ASCII punctuation plus \p{P}, as in HF.
 */
import type { Piece, PreTokenizer } from '../pipeline/types.js';
import { type SplitBehavior, splitPiecesBy, splitStringBy } from './split-behavior.js';

const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const PUNCT = /[!-/:-@[-`{-~\p{P}]/gu;

abstract class RegexSplitter implements PreTokenizer {
  abstract readonly type: string;
  constructor(
    private readonly re: RegExp | string,
    private readonly splitBehavior: SplitBehavior,
    private readonly invert = false,
  ) {}
  splitString(text: string, out: string[]): void {
    splitStringBy(text, this.re, this.splitBehavior, this.invert, out);
  }
  preTokenize(pieces: Piece[]): Piece[] {
    return splitPiecesBy(pieces, this.re, this.splitBehavior, this.invert);
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}

/**
 * @example
 * ```ts
 * const out: string[] = []; new Whitespace().splitString('Hi, you!', out); // ['Hi', ',', 'you', '!']
 * ```
 */
export class Whitespace extends RegexSplitter {
  readonly type = 'Whitespace';
  constructor() {
    super(new RegExp(`[${WORD}]+|[^${WORD}\\p{White_Space}]+`, 'gu'), 'Removed', true);
  }
}

/**
 * @example
 * ```ts
 * const out: string[] = []; new WhitespaceSplit().splitString('Hi, you!', out); // ['Hi,', 'you!']
 * ```
 */
export class WhitespaceSplit extends RegexSplitter {
  readonly type = 'WhitespaceSplit';
  constructor() {
    super(/\p{White_Space}/gu, 'Removed');
  }
}

/**
 * @example
 * ```ts
 * const out: string[] = []; new Punctuation().splitString('Hi, you!', out); // ['Hi', ',', ' you', '!']
 * ```
 */
export class Punctuation extends RegexSplitter {
  readonly type = 'Punctuation';
  constructor(readonly behavior: SplitBehavior = 'Isolated') {
    super(PUNCT, behavior);
  }
  override toJSON(): Record<string, unknown> {
    return { type: this.type, behavior: this.behavior };
  }
}

/**
 * @example
 * ```ts
 * const out: string[] = []; new Digits(true).splitString('a12', out); // ['a', '1', '2']
 * ```
 */
export class Digits extends RegexSplitter {
  readonly type = 'Digits';
  constructor(readonly individualDigits = false) {
    super(/\p{N}/gu, individualDigits ? 'Isolated' : 'Contiguous');
  }
  override toJSON(): Record<string, unknown> {
    return { type: this.type, individual_digits: this.individualDigits };
  }
}

/**
 * @example
 * ```ts
 * const out: string[] = []; new CharDelimiterSplit('_').splitString('a_b', out); // ['a', 'b']
 * ```
 */
export class CharDelimiterSplit extends RegexSplitter {
  readonly type = 'CharDelimiterSplit';
  constructor(readonly delimiter: string) {
    super(delimiter, 'Removed');
  }
  override toJSON(): Record<string, unknown> {
    return { type: this.type, delimiter: this.delimiter };
  }
}

const WS = /\p{White_Space}/gu;

/**
 * BERT's pre-tokenizer: split on whitespace (dropped), then isolate every punctuation character.
 *
 * @example
 * ```ts
 * const out: string[] = []; new BertPreTokenizer().splitString("don't go", out); // ['don', "'", 't', 'go']
 * ```
 */
export class BertPreTokenizer implements PreTokenizer {
  readonly type = 'BertPreTokenizer';
  splitString(text: string, out: string[]): void {
    const words: string[] = [];
    splitStringBy(text, WS, 'Removed', false, words);
    for (const w of words) splitStringBy(w, PUNCT, 'Isolated', false, out);
  }
  preTokenize(pieces: Piece[]): Piece[] {
    return splitPiecesBy(splitPiecesBy(pieces, WS, 'Removed', false), PUNCT, 'Isolated', false);
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
