/**
 * tokenizer.json (the Hugging Face tokenizers format, version "1.0") <-> the parts of a tokenizer.
 *
 *   {
 *     "version": "1.0",
 *     "added_tokens": [{ "id": 0, "content": "<unk>", "special": true, ... }],
 *     "normalizer":     { "type": "NFKC" }                    -> normalizerFromJSON
 *     "pre_tokenizer":  { "type": "Metaspace", ... }          -> preTokenizerFromJSON
 *     "model":          { "type": "Unigram", "vocab": [...] } -> Unigram / BPE / WordPiece .fromJSON
 *     "post_processor": { "type": "TemplateProcessing", ... } -> postProcessorFromJSON
 *     "decoder":        { "type": "Metaspace", ... }          -> decoderFromJSON
 *     "truncation": null, "padding": null                     (kept verbatim)
 *   }
 *
 * Every component is dispatched on its `type` through an explicit table; an unknown type or a
 * missing field is a TokenizerFormatError naming the file and the field path, e.g.
 * `fromJSON: tok.json: pre_tokenizer.pretokenizers[1].type: expected one of ..., found "Nope"`.
 */
import { decoderFromJSON } from '../decoders/index.js';
import { TokenizerError, TokenizerFormatError } from '../errors.js';
import { BPE } from '../models/bpe/model.js';
import { Unigram } from '../models/unigram/model.js';
import { WordPiece } from '../models/wordpiece/model.js';
import { assertLinearRegex } from '../normalizers/hf-pattern.js';
import { normalizerFromJSON } from '../normalizers/index.js';
import type { AddedTokenConfig, Model, TokenizerParts } from '../pipeline/types.js';
import { postProcessorFromJSON } from '../post-processors/index.js';
import { preTokenizerFromJSON } from '../pre-tokenizers/index.js';
import { previewJSON } from '../tokenizer/arguments.js';
import { asObject, badField, num, optBool, str, unknownType } from './json-fields.js';

export type { AddedTokenConfig, TokenizerParts } from '../pipeline/types.js';

/** The tokenizer.json format version this library reads and writes. */
export const TOKENIZER_JSON_VERSION = '1.0';

/** The model `type` tags this library reads. */
export const MODEL_TYPES = ['BPE', 'Unigram', 'WordPiece'] as const;

/** Reads the `model` object, inferring its type from its fields when the tag is missing (old files). */
export function modelFromJSON(obj: unknown, where = 'model'): Model {
  const o = asObject(obj, where);
  let type = o.type;
  if (type === undefined) {
    if (Array.isArray(o.vocab)) type = 'Unigram';
    else if (o.merges !== undefined) type = 'BPE';
    else if (o.continuing_subword_prefix !== undefined || o.max_input_chars_per_word !== undefined)
      type = 'WordPiece';
    else badField(`${where}.type`, `one of ${MODEL_TYPES.join(', ')}`, undefined);
  }
  switch (type) {
    case 'BPE':
      return BPE.fromJSON(o, where);
    case 'Unigram':
      return Unigram.fromJSON(o, where);
    case 'WordPiece':
      return WordPiece.fromJSON(o, where);
    default:
      return typeof type === 'string'
        ? unknownType(where, type, MODEL_TYPES)
        : badField(`${where}.type`, 'a string type tag', type);
  }
}

function addedToken(obj: unknown, where: string): AddedTokenConfig {
  const o = asObject(obj, where);
  const id = num(o, 'id', where);
  if (!Number.isSafeInteger(id) || id < 0)
    badField(
      `${where}.id`,
      'a non-negative integer id',
      id,
      'added tokens take ids after the model vocabulary',
    );
  return {
    id,
    content: str(o, 'content', where),
    single_word: optBool(o, 'single_word', where, false),
    lstrip: optBool(o, 'lstrip', where, false),
    rstrip: optBool(o, 'rstrip', where, false),
    normalized: optBool(o, 'normalized', where, true),
    special: optBool(o, 'special', where, false),
  };
}

/** Options of {@link parseTokenizerJSON}. */
export interface ParseTokenizerJSONOptions {
  /** The file the object came from, named in errors. */
  file?: string;
  /**
   * Load regexes that can backtrack catastrophically (default false: such a pattern is a
   * TokenizerFormatError naming its field). JS regexes cannot be interrupted, so a pattern like
   * `(a+)+$` hangs `encode` on a few dozen characters; only pass true for files you trust.
   */
  allowUnsafeRegex?: boolean;
}

/** Components nested deeper than this (Sequence in Sequence ...) are refused. */
export const MAX_COMPONENT_DEPTH = 32;

/**
 * Checks what the component builders cannot see as a whole: nesting depth (they recurse) and every
 * `pattern: { Regex }` field (see `assertLinearRegex`).
 */
function checkComponents(
  value: unknown,
  where: string,
  depth: number,
  options: ParseTokenizerJSONOptions,
): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_COMPONENT_DEPTH) {
    badField(
      where,
      `components nested at most ${MAX_COMPONENT_DEPTH} deep`,
      '(deeper nesting)',
      'real tokenizers nest Sequence components two or three levels deep; the file is corrupted or hostile',
    );
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkComponents(v, `${where}[${i}]`, depth + 1, options);
    });
    return;
  }
  const o = value as Record<string, unknown>;
  const pattern = o.pattern as Record<string, unknown> | undefined;
  if (!options.allowUnsafeRegex && typeof pattern?.Regex === 'string') {
    assertLinearRegex(pattern.Regex, {
      operation: 'fromJSON',
      where: `${where}.pattern.Regex`,
      from: 'file',
      ...(options.file ? { file: options.file } : {}),
    });
  }
  for (const [k, v] of Object.entries(o))
    if (k !== 'pattern') checkComponents(v, `${where}.${k}`, depth + 1, options);
}

/**
 * Reads a tokenizer.json object (or its text) into the parts `new Tokenizer(parts)` takes.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const parts = parseTokenizerJSON(readFileSync('tokenizer.json', 'utf8'), { file: 'tokenizer.json' });
 * parts.model.type // 'Unigram'
 * ```
 */
export function parseTokenizerJSON(input: unknown, options: ParseTokenizerJSONOptions = {}): TokenizerParts {
  try {
    let obj = input;
    if (typeof input === 'string') {
      try {
        obj = JSON.parse(input);
      } catch (cause) {
        throw new TokenizerFormatError({
          operation: 'fromJSON',
          expected: 'JSON text',
          found: `text that does not parse (${(cause as Error).message})`,
          hint: 'is this really a tokenizer.json file?',
          cause,
        });
      }
    }
    const o = asObject(obj, '(root)');
    if (o.version !== undefined && o.version !== TOKENIZER_JSON_VERSION)
      throw new TokenizerFormatError({
        operation: 'fromJSON',
        where: 'version',
        expected: `"${TOKENIZER_JSON_VERSION}"`,
        found: previewJSON(o.version),
        hint: 're-save the file with a current version of HF tokenizers',
      });
    if (o.model === undefined || o.model === null) badField('model', 'a model object', o.model);
    const added = o.added_tokens ?? [];
    if (!Array.isArray(added)) badField('added_tokens', 'an array', added);
    const present = (k: string): boolean => o[k] !== undefined && o[k] !== null;
    for (const k of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'truncation', 'padding'])
      checkComponents(o[k], k, 0, options);
    return {
      normalizer: present('normalizer') ? normalizerFromJSON(o.normalizer, 'normalizer') : null,
      preTokenizer: present('pre_tokenizer') ? preTokenizerFromJSON(o.pre_tokenizer, 'pre_tokenizer') : null,
      model: modelFromJSON(o.model, 'model'),
      postProcessor: present('post_processor')
        ? postProcessorFromJSON(o.post_processor, 'post_processor')
        : null,
      decoder: present('decoder') ? decoderFromJSON(o.decoder, 'decoder') : null,
      addedTokens: (added as unknown[]).map((t, i) => addedToken(t, `added_tokens[${i}]`)),
      truncation: o.truncation ?? null,
      padding: o.padding ?? null,
    };
  } catch (e) {
    if (
      options.file &&
      TokenizerError.isInstance(e) &&
      e.file === undefined &&
      TokenizerFormatError.isInstance(e)
    )
      throw new TokenizerFormatError({
        operation: e.operation,
        expected: e.expected,
        found: e.found,
        file: options.file,
        ...(e.where === undefined ? {} : { where: e.where }),
        ...(e.hint === undefined ? {} : { hint: e.hint }),
        cause: e,
      });
    throw e;
  }
}

/**
 * Writes the parts back as a tokenizer.json object (version "1.0"), loadable by HF tokenizers.
 *
 * @example
 * ```ts
 * const json = tokenizerJSONFromParts(parseTokenizerJSON(text));
 * writeFileSync('out.json', JSON.stringify(json, null, 2));
 * ```
 */
export function tokenizerJSONFromParts(parts: TokenizerParts): Record<string, unknown> {
  return {
    version: TOKENIZER_JSON_VERSION,
    truncation: parts.truncation ?? null,
    padding: parts.padding ?? null,
    added_tokens: parts.addedTokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: t.single_word,
      lstrip: t.lstrip,
      rstrip: t.rstrip,
      normalized: t.normalized,
      special: t.special,
    })),
    normalizer: parts.normalizer?.toJSON() ?? null,
    pre_tokenizer: parts.preTokenizer?.toJSON() ?? null,
    model: parts.model.toJSON(),
    post_processor: parts.postProcessor?.toJSON() ?? null,
    decoder: parts.decoder?.toJSON() ?? null,
  };
}
