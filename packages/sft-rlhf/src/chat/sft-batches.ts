/**
 * SFT examples → fixed-shape batches, by padding or by packing, without ever cropping an answer.
 *
 * Padding (default): one example per row, right-padded with `padId` to the longest row of its
 * batch (or to `maxLength`), labels −100 on the padding. A causal model needs no attention mask for
 * right padding: real tokens never attend to the pads after them.
 *
 * Packing: several examples per row, first-fit (each example goes into the first open row with
 * room, else opens a new one), rows padded to `maxLength`. Examples in a row attend to the ones
 * before them (there is no document mask) — the usual trade of packed SFT for throughput; the first
 * token of every example is unlearned (−100), so no example is trained to follow another.
 *
 * ```
 * maxLength 8, packing:  row 0  [a a a a b b b ·]      a: 4 tokens, b: 3, c: 6, d: 2
 *                        row 1  [c c c c c c d d]      · = padId, label −100
 * ```
 *
 * An example longer than `maxLength` is never cut: `overflow: 'skip'` (default) leaves it out and
 * reports it in `skipped`; `overflow: 'error'` throws {@link BatchError} naming it.
 */
import { BatchError } from '../errors.js';
import { IGNORE_INDEX, type SftExample } from './chat-format.js';

/** Options of {@link makeSftBatches}. */
export interface SftBatchOptions {
  /** Rows per batch (the last batch may have fewer). */
  batchSize: number;
  /** Tokens per row at most (at most the model's context length). */
  maxLength: number;
  /** The id written into padding positions (any valid id: its labels are −100). */
  padId: number;
  /** Several examples per row (default false: one example per row). */
  packing?: boolean;
  /** An example longer than `maxLength`: `skip` it and count it (default) or throw (`error`). */
  overflow?: 'skip' | 'error';
  /** Padding mode only: pad each batch to its `longest` row (default) or always to `maxLength`. */
  padTo?: 'longest' | 'max';
}

/** One batch: rectangular ids and labels for `Model.forward(ids, { labels })`. */
export interface SftBatch {
  /** (rows, length) token ids. */
  ids: number[][];
  /** (rows, length) HF labels, −100 where not learned (including padding). */
  labels: number[][];
  /** The example ids in each row, in order. */
  records: string[][];
  /** Labels that are not −100: the tokens this batch trains on (a loss normalizer). */
  targetTokens: number;
  /** Non-padding tokens. */
  realTokens: number;
}

/** What {@link makeSftBatches} returns. */
export interface SftBatches {
  batches: SftBatch[];
  /** Examples left out because they are longer than `maxLength` (with `overflow: 'skip'`). */
  skipped: { id: string; length: number }[];
  /** Totals: examples placed, rows, tokens, and the fraction of positions that are padding. */
  stats: { examples: number; rows: number; realTokens: number; targetTokens: number; padFraction: number };
}

function checkOptions(o: SftBatchOptions): void {
  const bad = (option: string, expected: string, found: unknown): never => {
    throw new BatchError({
      operation: 'makeSftBatches',
      where: `option ${option}`,
      expected,
      found: String(found),
    });
  };
  if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1)) bad('batchSize', 'an integer ≥ 1', o.batchSize);
  if (!(Number.isInteger(o.maxLength) && o.maxLength >= 2)) bad('maxLength', 'an integer ≥ 2', o.maxLength);
  if (!(Number.isInteger(o.padId) && o.padId >= 0)) bad('padId', 'a token id (integer ≥ 0)', o.padId);
  if (o.overflow !== undefined && o.overflow !== 'skip' && o.overflow !== 'error') {
    bad('overflow', "'skip' or 'error'", o.overflow);
  }
  if (o.padTo !== undefined && o.padTo !== 'longest' && o.padTo !== 'max')
    bad('padTo', "'longest' or 'max'", o.padTo);
}

function checkExample(e: SftExample, i: number): void {
  const record = typeof e?.id === 'string' ? e.id : `examples[${i}]`;
  if (
    !Array.isArray(e?.ids) ||
    !Array.isArray(e.labels) ||
    e.ids.length !== e.labels.length ||
    e.ids.length === 0
  ) {
    throw new BatchError({
      operation: 'makeSftBatches',
      record,
      expected: 'non-empty ids and labels of the same length',
      found: `${e?.ids?.length ?? 'no'} ids, ${e?.labels?.length ?? 'no'} labels`,
    });
  }
  e.labels.forEach((l, t) => {
    if (l !== IGNORE_INDEX && l !== e.ids[t]) {
      throw new BatchError({
        operation: 'makeSftBatches',
        record,
        where: `labels[${t}]`,
        expected: `the id at that position (${e.ids[t]}) or -100`,
        found: String(l),
        hint: 'labels follow Hugging Face: same positions as ids, shifted inside the model',
      });
    }
  });
}

/**
 * Pads or packs examples into batches; never crops an example.
 *
 * @example
 * ```ts
 * const { batches, skipped } = makeSftBatches(examples, { batchSize: 8, maxLength: 128, padId: 0, packing: true });
 * for (const b of batches) model.forward(b.ids, { labels: b.labels });
 * ```
 */
export function makeSftBatches(examples: readonly SftExample[], options: SftBatchOptions): SftBatches {
  checkOptions(options);
  const { maxLength, padId, batchSize } = options;
  const overflow = options.overflow ?? 'skip';
  const skipped: { id: string; length: number }[] = [];
  const fitting: SftExample[] = [];
  examples.forEach((e, i) => {
    checkExample(e, i);
    if (e.ids.length <= maxLength) fitting.push(e);
    else if (overflow === 'skip') skipped.push({ id: e.id, length: e.ids.length });
    else {
      throw new BatchError({
        operation: 'makeSftBatches',
        record: e.id,
        expected: `at most ${maxLength} tokens (maxLength)`,
        found: `${e.ids.length} tokens`,
        hint: "raise maxLength, shorten the conversation, or use overflow: 'skip' to leave such examples out",
      });
    }
  });

  // rows: lists of examples; padding mode gives one per row
  const rows: SftExample[][] = [];
  if (options.packing) {
    const used: number[] = [];
    for (const e of fitting) {
      let r = used.findIndex((n) => n + e.ids.length <= maxLength);
      if (r === -1) {
        r = rows.length;
        rows.push([]);
        used.push(0);
      }
      rows[r]!.push(e);
      used[r]! += e.ids.length;
    }
  } else {
    for (const e of fitting) rows.push([e]);
  }

  const batches: SftBatch[] = [];
  let real = 0;
  let targets = 0;
  let positions = 0;
  for (let b = 0; b < rows.length; b += batchSize) {
    const group = rows.slice(b, b + batchSize);
    const lengths = group.map((row) => row.reduce((n, e) => n + e.ids.length, 0));
    const width = options.packing || options.padTo === 'max' ? maxLength : Math.max(...lengths);
    const batch: SftBatch = { ids: [], labels: [], records: [], targetTokens: 0, realTokens: 0 };
    group.forEach((row, r) => {
      const ids: number[] = [];
      const labels: number[] = [];
      for (const e of row) {
        ids.push(...e.ids);
        labels.push(IGNORE_INDEX, ...e.labels.slice(1)); // an example's first token is never a target
      }
      const pad = width - lengths[r]!;
      for (let k = 0; k < pad; k++) {
        ids.push(padId);
        labels.push(IGNORE_INDEX);
      }
      batch.ids.push(ids);
      batch.labels.push(labels);
      batch.records.push(row.map((e) => e.id));
      batch.realTokens += lengths[r]!;
      batch.targetTokens += labels.filter((l) => l !== IGNORE_INDEX).length;
    });
    real += batch.realTokens;
    targets += batch.targetTokens;
    positions += width * group.length;
    batches.push(batch);
  }
  return {
    batches,
    skipped,
    stats: {
      examples: fitting.length,
      rows: rows.length,
      realTokens: real,
      targetTokens: targets,
      padFraction: positions === 0 ? 0 : 1 - real / positions,
    },
  };
}
