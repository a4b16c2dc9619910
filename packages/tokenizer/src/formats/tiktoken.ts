/**
 * tiktoken rank files (`cl100k_base.tiktoken`, ...) and the standard OpenAI encodings.
 *
 * The file is one token per line, the token's bytes in base64, a space, its rank (= id):
 *
 *     IQ== 0          <- "!"  (0x21) has rank 0
 *     IHdvcmxk 1917   <- " world" ... (example spelling; real ranks differ per encoding)
 *
 * The file holds neither the split regex nor the special tokens: those come with the encoding's
 * name ({@link TIKTOKEN_ENCODINGS}) or from the caller.
 */
import { decoderFromJSON } from '../decoders/index.js';
import { TokenizerFormatError, TokenizerInputError } from '../errors.js';
import type { ByteLevelBPE } from '../models/bpe/byte-level.js';
import { BPE } from '../models/bpe/model.js';
import { MAX_ID_HOLES } from '../models/vocab-ids.js';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN, type SplitPattern } from '../pipeline/patterns.js';
import type { AddedTokenConfig, TokenizerParts } from '../pipeline/types.js';
import { bytesToByteLevelToken } from '../pre-tokenizers/byte-level.js';
import { preTokenizerFromJSON } from '../pre-tokenizers/index.js';
import { describeValue } from '../tokenizer/arguments.js';

/** The standard encoding names. */
export type TiktokenEncodingName = 'r50k_base' | 'p50k_base' | 'p50k_edit' | 'cl100k_base' | 'o200k_base';

/** What an encoding name stands for besides its rank file. */
export interface TiktokenEncodingSpec {
  readonly name: TiktokenEncodingName;
  /** The split regex. */
  readonly pattern: SplitPattern;
  /** Special tokens and their ids. */
  readonly specialTokens: Readonly<Record<string, number>>;
  /** The rank file's name in OpenAI's public storage and in `gpt-tokenizer/data`. */
  readonly rankFile: string;
}

/**
 * The standard encodings: `r50k_base` (GPT-2, GPT-3), `p50k_base` (Codex), `p50k_edit` (p50k with
 * the fill-in-the-middle tokens), `cl100k_base` (GPT-3.5, GPT-4), `o200k_base` (GPT-4o).
 *
 * @example
 * ```ts
 * import { TIKTOKEN_ENCODINGS } from '@llmforge/tokenizer';
 * TIKTOKEN_ENCODINGS.cl100k_base.specialTokens['<|endoftext|>']; // 100257
 * ```
 */
export const TIKTOKEN_ENCODINGS: Readonly<Record<TiktokenEncodingName, TiktokenEncodingSpec>> = {
  r50k_base: {
    name: 'r50k_base',
    pattern: GPT2_PATTERN,
    specialTokens: { '<|endoftext|>': 50256 },
    rankFile: 'r50k_base.tiktoken',
  },
  p50k_base: {
    name: 'p50k_base',
    pattern: GPT2_PATTERN,
    specialTokens: { '<|endoftext|>': 50256 },
    rankFile: 'p50k_base.tiktoken',
  },
  p50k_edit: {
    name: 'p50k_edit',
    pattern: GPT2_PATTERN,
    specialTokens: {
      '<|endoftext|>': 50256,
      '<|fim_prefix|>': 50281,
      '<|fim_middle|>': 50282,
      '<|fim_suffix|>': 50283,
    },
    rankFile: 'p50k_base.tiktoken',
  },
  cl100k_base: {
    name: 'cl100k_base',
    pattern: CL100K_PATTERN,
    specialTokens: {
      '<|endoftext|>': 100257,
      '<|fim_prefix|>': 100258,
      '<|fim_middle|>': 100259,
      '<|fim_suffix|>': 100260,
      '<|endofprompt|>': 100276,
    },
    rankFile: 'cl100k_base.tiktoken',
  },
  o200k_base: {
    name: 'o200k_base',
    pattern: O200K_PATTERN,
    specialTokens: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
    rankFile: 'o200k_base.tiktoken',
  },
};

/** True when `name` is one of {@link TIKTOKEN_ENCODINGS}. */
export function isTiktokenEncodingName(name: unknown): name is TiktokenEncodingName {
  return typeof name === 'string' && Object.hasOwn(TIKTOKEN_ENCODINGS, name);
}

const B64 = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

/** Decodes standard base64 (with `=` padding) from `s[start..end)`; null when malformed. */
function decodeBase64(s: string, start: number, end: number): Uint8Array | null {
  let pad = 0;
  while (end - pad > start && s.charCodeAt(end - 1 - pad) === 61 /* = */) pad++;
  const len = end - start;
  if (len === 0 || len % 4 !== 0 || pad > 2) return null;
  const out = new Uint8Array((len / 4) * 3 - pad);
  let o = 0;
  for (let i = start; i < end; i += 4) {
    const a = b64(s, i);
    const b = b64(s, i + 1);
    const c = i + 2 < end - pad ? b64(s, i + 2) : 0;
    const d = i + 3 < end - pad ? b64(s, i + 3) : 0;
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

function b64(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? B64[c]! : -1;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function encodeBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const v = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    s += BASE64_ALPHABET[v >> 18]! + BASE64_ALPHABET[(v >> 12) & 63]!;
    s += b === undefined ? '=' : BASE64_ALPHABET[(v >> 6) & 63]!;
    s += c === undefined ? '=' : BASE64_ALPHABET[v & 63]!;
  }
  return s;
}

/**
 * Parses a `.tiktoken` rank file. Returns the token bytes indexed by rank (holes are undefined).
 * Errors name the file and line.
 *
 * @example
 * ```ts
 * import { parseTiktoken } from '@llmforge/tokenizer';
 * const ranks = parseTiktoken('IQ== 0\nIg== 1\n');
 * ranks[1]; // Uint8Array [0x22]  ('"')
 * ```
 */
export function parseTiktoken(data: string | Uint8Array, file = '<tiktoken>'): (Uint8Array | undefined)[] {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new TokenizerInputError({
      operation: 'parseTiktoken',
      file,
      expected: 'the file as a string or a Uint8Array',
      found: describeValue(data),
      hint: "read the file first, e.g. readFileSync('cl100k_base.tiktoken')",
    });
  }
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  // The rank table is an array indexed by rank: a rank far beyond the file's size would allocate
  // (and fill) gigabytes. Real files number their tokens 0..n-1; a few holes are allowed.
  const rankLimit = countLines(text) + MAX_RANK_HOLES;
  const ranks: (Uint8Array | undefined)[] = [];
  const seen = new Map<string, number>();
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    lineNo++;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    const lineStart = pos;
    pos = nl + 1;
    if (end === lineStart) continue; // blank line
    const space = text.indexOf(' ', lineStart);
    const fail = (what: string): never => {
      throw new TokenizerFormatError({
        operation: 'parseTiktoken',
        file,
        where: `line ${lineNo}`,
        expected: '"<base64 token> <rank>"',
        found: `${what}: ${JSON.stringify(text.slice(lineStart, Math.min(end, lineStart + 80)))}`,
        hint: 'a .tiktoken file has one token per line: its bytes in base64, a space, its rank',
      });
    };
    if (space < 0 || space >= end) fail('no space');
    let rank = 0;
    if (space + 1 >= end) fail('a rank that is not a non-negative integer');
    for (let k = space + 1; k < end; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) fail('a rank that is not a non-negative integer');
      rank = rank * 10 + d;
    }
    if (rank >= rankLimit) {
      throw new TokenizerFormatError({
        operation: 'parseTiktoken',
        file,
        where: `line ${lineNo}`,
        expected: `a rank below ${rankLimit} (the file's line count + ${MAX_RANK_HOLES} for unused ranks)`,
        found: `rank ${end - space - 1 > 16 ? `${text.slice(space + 1, space + 17)}...` : text.slice(space + 1, end)}`,
        hint: 'ranks number the tokens from 0; this one is far beyond the size of the file (corrupted or hostile file?)',
      });
    }
    const bytes = decodeBase64(text, lineStart, space);
    if (bytes === null) fail('invalid base64');
    const key = text.slice(lineStart, space);
    const dup = seen.get(key);
    if (dup !== undefined) fail(`a token already given rank ${dup}`);
    seen.set(key, rank);
    if (ranks[rank] !== undefined) fail(`rank ${rank} given twice`);
    while (ranks.length < rank) ranks.push(undefined);
    ranks[rank] = bytes!;
  }
  if (ranks.length === 0) {
    throw new TokenizerFormatError({
      operation: 'parseTiktoken',
      file,
      expected: 'at least one "<base64 token> <rank>" line',
      found: 'an empty file',
      hint: 'the file is empty or blank: download it again',
    });
  }
  return ranks;
}

/**
 * How many unused ranks (holes) a rank file may have in all: the largest rank allowed is the number
 * of lines + this. Real files have none; the bound keeps the rank table proportional to the file.
 */
export const MAX_RANK_HOLES = MAX_ID_HOLES;

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Writes ranks back in the `.tiktoken` format (the inverse of {@link parseTiktoken}).
 *
 * @example
 * ```ts
 * import { serializeTiktoken } from '@llmforge/tokenizer';
 * serializeTiktoken([Uint8Array.of(0x21)]); // 'IQ== 0\n'
 * ```
 */
export function serializeTiktoken(ranks: readonly (Uint8Array | undefined)[]): string {
  const lines: string[] = [];
  ranks.forEach((bytes, rank) => {
    if (bytes) lines.push(`${encodeBase64(bytes)} ${rank}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The tokenizer.json parts of a tiktoken encoding (built on demand: ~1 s for o200k). */
export function tiktokenParts(
  bpe: ByteLevelBPE,
  pattern: SplitPattern,
  added: AddedTokenConfig[],
): TokenizerParts {
  const vocab = new Map<string, number>();
  bpe.tokenBytes.forEach((bytes, id) => {
    if (bytes) vocab.set(bytesToByteLevelToken(bytes), id);
  });
  const pairs: [number, number, number][] = [];
  bpe.table.forEach((a, b, rank) => {
    pairs.push([rank, a, b]);
  });
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  const token = (id: number) => bytesToByteLevelToken(bpe.tokenBytes[id]!);
  const merges = pairs.map(([, a, b]) => [token(a), token(b)] as [string, string]);
  return {
    normalizer: null,
    preTokenizer: preTokenizerFromJSON({
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: pattern.hf }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    }),
    model: new BPE({ vocab, merges, ignoreMerges: true }),
    postProcessor: null,
    decoder: decoderFromJSON({
      type: 'ByteLevel',
      add_prefix_space: true,
      trim_offsets: true,
      use_regex: true,
    }),
    addedTokens: added,
  };
}
