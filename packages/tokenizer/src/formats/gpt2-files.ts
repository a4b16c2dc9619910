/**
 * GPT-2's original tokenizer files, as OpenAI published them:
 *
 * - `encoder.json`: `{"!": 0, "\"": 1, ..., "Ġthe": 262, ..., "<|endoftext|>": 50256}`, every
 *   token in GPT-2's byte-level spelling (`Ġ` is the space byte).
 * - `vocab.bpe`: a `#version: 0.2` header line, then one merge per line, `Ġ t` = merge "Ġ" and
 *   "t", in rank order (the first line is applied first).
 *
 * Together they are a byte-level BPE with the GPT-2 split regex (`Tokenizer.fromGPT2Files`).
 */
import { decoderFromJSON } from '../decoders/index.js';
import { TokenizerFormatError } from '../errors.js';
import { BPE } from '../models/bpe/model.js';
import type { TokenizerParts } from '../pipeline/types.js';
import { preTokenizerFromJSON } from '../pre-tokenizers/index.js';
import { specialToken } from '../tokenizer/added-vocabulary.js';
import { previewJSON } from '../tokenizer/arguments.js';

/** The vocabulary and merges read from the two files. */
export interface GPT2Files {
  vocab: Map<string, number>;
  merges: [string, string][];
}

function fail(
  file: string,
  where: string | undefined,
  expected: string,
  found: string,
  hint?: string,
): never {
  throw new TokenizerFormatError({
    operation: 'fromGPT2Files',
    file,
    ...(where ? { where } : {}),
    expected,
    found,
    ...(hint ? { hint } : {}),
  });
}

/**
 * Reads `encoder.json` and `vocab.bpe` (text, or already parsed), checking their shape.
 *
 * @example
 * ```ts
 * import { decodeGPT2Files } from '@llmforge/tokenizer';
 * const { vocab, merges } = decodeGPT2Files('{"a":0,"b":1,"ab":2}', '#version: 0.2\na b\n');
 * merges; // [['a', 'b']]
 * ```
 */
export function decodeGPT2Files(
  encoderJson: string | Record<string, number>,
  vocabBpe: string | readonly (readonly [string, string])[],
): GPT2Files {
  let enc: unknown = encoderJson;
  if (typeof encoderJson === 'string') {
    try {
      enc = JSON.parse(encoderJson);
    } catch (cause) {
      fail(
        'encoder.json',
        undefined,
        'JSON text',
        `text that does not parse (${(cause as Error).message})`,
        'encoder.json is one JSON object of token -> id; is the file truncated?',
      );
    }
  }
  if (typeof enc !== 'object' || enc === null || Array.isArray(enc)) {
    fail(
      'encoder.json',
      undefined,
      'an object of token -> id',
      enc === null ? 'null' : Array.isArray(enc) ? 'an array' : typeof enc,
      'pass the text of encoder.json or the object it parses to',
    );
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(enc as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      fail(
        'encoder.json',
        JSON.stringify(token.slice(0, 40)),
        'a non-negative integer id',
        previewJSON(id),
        'every token maps to its id (0, 1, 2, ...)',
      );
    }
    vocab.set(token, id as number);
  }
  const merges: [string, string][] = [];
  if (typeof vocabBpe === 'string') {
    const lines = vocabBpe.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\r$/, '');
      if (line.length === 0 || (i === 0 && line.startsWith('#version'))) continue;
      const parts = line.split(' ');
      if (parts.length !== 2 || !parts[0] || !parts[1]) {
        fail(
          'vocab.bpe',
          `line ${i + 1}`,
          'a merge "left right" (two tokens, one space)',
          JSON.stringify(line.slice(0, 80)),
          'the file starts with "#version: 0.2", then one merge per line',
        );
      }
      merges.push([parts[0]!, parts[1]!]);
    }
  } else if (Array.isArray(vocabBpe)) {
    vocabBpe.forEach((m, i) => {
      if (!Array.isArray(m) || m.length !== 2 || typeof m[0] !== 'string' || typeof m[1] !== 'string') {
        fail(
          'vocab.bpe',
          `merge ${i}`,
          'a pair of strings',
          previewJSON(m),
          'merges are [left, right] token pairs in rank order',
        );
      }
      merges.push([m[0], m[1]]);
    });
  } else {
    fail(
      'vocab.bpe',
      undefined,
      'the text of vocab.bpe or an array of [left, right] merges',
      vocabBpe === null ? 'null' : typeof vocabBpe,
      "read the file first, e.g. readFileSync('vocab.bpe', 'utf8')",
    );
  }
  return { vocab, merges };
}

/**
 * The parts of GPT-2's tokenizer from its two files: byte-level BPE, the GPT-2 split, the ByteLevel
 * decoder, and `<|endoftext|>` as a special token when the vocabulary has it.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const parts = gpt2FilesToParts(readFileSync('encoder.json', 'utf8'), readFileSync('vocab.bpe', 'utf8'));
 * parts.model.type; // 'BPE'
 * ```
 */
export function gpt2FilesToParts(
  encoderJson: string | Record<string, number>,
  vocabBpe: string | readonly (readonly [string, string])[],
): TokenizerParts {
  const { vocab, merges } = decodeGPT2Files(encoderJson, vocabBpe);
  const eot = vocab.get('<|endoftext|>');
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    normalizer: null,
    preTokenizer: preTokenizerFromJSON(byteLevel),
    model: new BPE({ vocab, merges }),
    postProcessor: null,
    decoder: decoderFromJSON({ ...byteLevel, add_prefix_space: true }),
    addedTokens: eot === undefined ? [] : [specialToken(eot, '<|endoftext|>')],
  };
}
