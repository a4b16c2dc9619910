/**
 * The mid-training documents of a recipe written as one llm.c token shard, ready for
 * @llmforge/trainer's `data.mix` (node only: it writes files).
 *
 * ```
 * buildTasks(train split, seed 5) ─► taskDocuments ─┐
 * copySequences                   ─────────────────┼─► seeded shuffle ─► <dir>/mid_train_000000.bin
 * capitalFacts (every place) ─► factDocuments ─► encode ─┘
 * ```
 *
 * The folder is written under a temporary name and renamed into place, so a crash never leaves a
 * half-written shard that a later run would take for a finished one. `readShardDocuments` reads
 * such a shard back as documents, for SFT to replay (`SftConfig.documents`).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { shardVersionFor } from '@llmforge/trainer';
import { ShardReader, ShardWriter } from '@llmforge/trainer/node';
import { ChatFormat, type ChatFormatTokenizer } from '../chat/chat-format.js';
import { PostTrainingConfigError } from '../errors.js';
import { buildTasks, type TaskMix } from '../tasks/build-tasks.js';
import { CONTINENTS } from '../tasks/families/capitals.js';
import { capitalFacts } from '../tasks/families/shared.js';
import { TaskRandom } from '../tasks/random.js';
import type { TaskData } from '../tasks/task-data.js';
import { copySequences, factDocuments, type MidTrainingMix, taskDocuments } from './mid-training-data.js';

/** Options of {@link writeMidTrainingShard}. */
export interface MidTrainingShardOptions {
  /** The folder to write (replaced when it exists without the shard). */
  dir: string;
  /** The base model's tokenizer (with the chat template's special tokens). */
  tokenizer: ChatFormatTokenizer & { tokenToId(token: string): number | null | undefined };
  /** Its special tokens: copy sequences draw ids above all of them. */
  specialTokens: readonly string[];
  /** The document delimiter (default `<|endoftext|>`). */
  endOfText?: string;
  vocabSize: number;
  data: TaskData;
  /** The task families rendered. */
  families: TaskMix;
  mix: MidTrainingMix;
  seed: number;
}

/** The seed of the mid-training tasks: post-training's stages draw theirs with seeds 1–4. */
export const MID_TRAINING_TASK_SEED = 5;

/** The shard's path in a folder `writeMidTrainingShard` writes (where a later stage finds it). */
export function midTrainingShardPath(dir: string): string {
  return join(dir, 'mid_train_000000.bin');
}

/**
 * Writes (or finds) the shard; returns its path.
 *
 * @example
 * ```ts
 * const shard = await writeMidTrainingShard({ dir: 'run/pretrain/mix', tokenizer, specialTokens, vocabSize: 2048,
 *   data: await loadTaskData(), families: RECIPE_MIX, mix: DEMO_RECIPE.pretrain.mix!, seed: 1337 });
 * await train({ ..., data: { dir: 'run/shards', mix: [{ train: shard, weight: DEMO_RECIPE.pretrain.mix!.weight }] } });
 * ```
 */
export async function writeMidTrainingShard(o: MidTrainingShardOptions): Promise<string> {
  const path = midTrainingShardPath(o.dir);
  if (existsSync(path)) return path;
  const idOf = (token: string): number => {
    const id = o.tokenizer.tokenToId(token);
    if (id === null || id === undefined) {
      throw new PostTrainingConfigError({
        operation: 'writeMidTrainingShard',
        where: 'tokenizer',
        expected: `a tokenizer with the special token ${token}`,
        found: 'none',
        hint: 'train the tokenizer with the chat template special tokens (chatSpecialTokens)',
      });
    }
    return id;
  };
  const endOfText = idOf(o.endOfText ?? '<|endoftext|>');
  // train split only: the split is by item, so no held-out item is ever pretrained on
  const tasks =
    o.mix.tasks > 0
      ? buildTasks(o.data, {
          mix: o.families,
          count: o.mix.tasks,
          seed: MID_TRAINING_TASK_SEED,
          split: 'train',
          repeat: true,
        })
      : [];
  const docs = [
    ...taskDocuments(tasks, new ChatFormat(o.tokenizer), endOfText),
    ...copySequences({
      count: o.mix.copies,
      vocabSize: o.vocabSize,
      firstId: Math.max(...o.specialTokens.map(idOf)) + 1,
      endOfText,
      seed: o.seed,
    }),
    // every place, held-out ones too: the corpus's knowledge, not the tasks (factDocuments)
    ...factDocuments(capitalFacts(o.data, CONTINENTS), {
      count: o.mix.facts ?? 0,
      seed: o.seed,
    }).map((text) => [
      endOfText,
      ...o.tokenizer.encode(text, { allowedSpecial: 'none', disallowedSpecial: 'none' }),
    ]),
  ];
  const rng = new TaskRandom(o.seed, 'mid-training-order');
  for (let i = docs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [docs[i], docs[j]] = [docs[j]!, docs[i]!];
  }
  const tmp = `${o.dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const writer = new ShardWriter({
    dir: tmp,
    name: 'mid',
    split: 'train',
    version: shardVersionFor(o.vocabSize),
    shardTokens: 2 ** 31 - 1,
  });
  for (const d of docs) await writer.append(d);
  await writer.finish();
  await rm(o.dir, { recursive: true, force: true });
  await rename(tmp, o.dir);
  return path;
}

/**
 * The documents of a token shard (a mid-training shard, or any llm.c shard whose documents each
 * begin with the `endOfText` id), each with its leading delimiter: what SFT replays beside its
 * conversations (`SftConfig.documents`). Tokens before the first delimiter form a document too.
 *
 * @example
 * ```ts
 * const shard = await writeMidTrainingShard({ ... });
 * const documents = readShardDocuments(shard, tokenizer.tokenToId('<|endoftext|>')!);
 * await trainSft({ ..., tasks, documents });
 * ```
 */
export function readShardDocuments(path: string, endOfText: number): number[][] {
  const reader = ShardReader.open(path); // a missing or malformed shard is a typed error naming it
  let ids: Int32Array;
  try {
    ids = reader.read(0, reader.tokens);
  } finally {
    reader.close();
  }
  const docs: number[][] = [];
  let start = 0;
  for (let i = 1; i <= ids.length; i++) {
    if (i === ids.length || ids[i] === endOfText) {
      if (i > start) docs.push(Array.from(ids.subarray(start, i)));
      start = i;
    }
  }
  return docs;
}
