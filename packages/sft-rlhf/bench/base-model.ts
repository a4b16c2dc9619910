/**
 * The base model the experiments start from, made once and cached: a byte-level BPE tokenizer with
 * the chat template's special tokens, trained on the demo's corpus (Jane Austen's novels), the
 * corpus prepared into llm.c shards, and a small GPT pretrained on it — all with
 * @llmforge/tokenizer and @llmforge/trainer, as the demo's `tokenizer` / `prepare` / `pretrain`
 * stages do.
 *
 *   tsx --conditions=@llmforge/source bench/base-model.ts [--dir /tmp/llmforge-sftalgo/base] [--steps 1500]
 *
 * (the folder gets one subfolder per tokenizer size and model shape)
 *
 * A second call with the same settings finds the checkpoint and does nothing.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { trainTokenizer } from '@llmforge/tokenizer';
import { loadTokenizer, saveTokenizer } from '@llmforge/tokenizer/node';
import { prepareCorpus, train } from '@llmforge/trainer/node';
import { loadTaskData, writeMidTrainingShard } from '../src/node.js';
import { DEMO_RECIPE, type PostTrainingRecipe } from '../src/recipes.js';

const CORPUS = new URL('../../../apps/demo/data/austen.txt.gz', import.meta.url);

/** What {@link ensureBaseModel} returns. */
export interface BaseModel {
  /** The checkpoint directory (HF layout + tokenizer.json). */
  checkpoint: string;
  tokenizerPath: string;
  /** Pretraining validation loss, and wall seconds of each stage (0 when cached). */
  valLoss: number;
  seconds: { tokenizer: number; prepare: number; pretrain: number };
  /** The mid-training shard pretraining mixed in (the recipe's `pretrain.mix`), if any. */
  midShard?: string;
}

/** Makes (or finds) the base model under `dir`. */
export async function ensureBaseModel(
  root: string,
  o: { recipe?: PostTrainingRecipe; steps?: number; log?: (s: string) => void } = {},
): Promise<BaseModel> {
  const log = o.log ?? ((s: string) => console.error(s));
  const recipe = o.recipe ?? DEMO_RECIPE;
  const r = recipe.pretrain;
  const steps = o.steps ?? r.steps;
  // one folder per tokenizer and model shape; one run per step count
  const dir = join(
    root,
    `${recipe.tokenizer.vocabSize}-${r.model.preset}-${r.model.nLayer ?? 4}x${r.model.nEmbd ?? 128}`,
  );
  await mkdir(dir, { recursive: true });
  const mixTag = r.mix
    ? `-mix${r.mix.weight}-${r.mix.tasks}-${r.mix.copies}${r.mix.facts ? `-f${r.mix.facts}` : ''}`
    : '';
  const runDir = join(dir, `pretrain-${steps}${mixTag}`);
  const donePath = join(runDir, 'base.json');
  if (existsSync(donePath)) return JSON.parse(await readFile(donePath, 'utf8')) as BaseModel;

  const seconds = { tokenizer: 0, prepare: 0, pretrain: 0 };
  const tokenizerPath = join(dir, 'tokenizer.json');
  const text = gunzipSync(await readFile(CORPUS)).toString('utf8');
  if (!existsSync(tokenizerPath)) {
    const t0 = performance.now();
    log(`tokenizer: BPE ${recipe.tokenizer.vocabSize} on ${(text.length / 1e6).toFixed(1)}M characters`);
    const tok = await trainTokenizer(
      {
        model: 'bpe',
        vocabSize: recipe.tokenizer.vocabSize,
        specialTokens: [...recipe.tokenizer.specialTokens],
      },
      text,
    );
    await saveTokenizer(tok, tokenizerPath);
    seconds.tokenizer = (performance.now() - t0) / 1000;
  }
  const dataDir = join(dir, 'data');
  if (!existsSync(join(dataDir, 'dataset.json'))) {
    const t0 = performance.now();
    const corpusFile = join(dir, 'austen.txt');
    await writeFile(corpusFile, text);
    await prepareCorpus({
      inputs: [{ path: corpusFile, separator: '\n\n' }],
      outDir: dataDir,
      tokenizer: tokenizerPath,
      name: 'austen',
    });
    seconds.prepare = (performance.now() - t0) / 1000;
  }
  // the recipe's mid-training documents, rendered with this tokenizer (see writeMidTrainingShard)
  const midShard = r.mix
    ? await writeMidTrainingShard({
        dir: join(dir, `mid${mixTag}`),
        tokenizer: await loadTokenizer(tokenizerPath),
        specialTokens: recipe.tokenizer.specialTokens,
        vocabSize: recipe.tokenizer.vocabSize,
        data: await loadTaskData(),
        families: recipe.tasks.mix,
        mix: r.mix,
        seed: 1,
      })
    : undefined;
  const mix = midShard ? [{ train: midShard, weight: r.mix!.weight }] : [];
  const t0 = performance.now();
  log(`pretrain: ${steps} steps → ${runDir}`);
  const result = await train({
    outDir: runDir,
    data: { dir: dataDir, mix },
    model: { ...r.model },
    steps,
    batchSize: r.batchSize,
    optimizer: { lr: r.lr, betas: [0.9, 0.95], weightDecay: 0.1 },
    schedule: { type: 'cosine', warmupSteps: Math.min(100, Math.floor(steps / 10)), minLr: r.lr / 10 },
    eval: { every: Math.max(1, Math.floor(steps / 5)), batches: 20 },
    checkpoint: { keepLast: 1, keepBest: false },
    log: { every: 50, progress: 'lines' },
    device: { peakFlops: null },
  });
  seconds.pretrain = (performance.now() - t0) / 1000;
  const base: BaseModel = {
    checkpoint: resolve(result.checkpoint),
    tokenizerPath: resolve(tokenizerPath),
    valLoss: result.valLoss,
    seconds,
    ...(midShard ? { midShard: resolve(midShard) } : {}),
  };
  await writeFile(donePath, `${JSON.stringify(base, null, 2)}\n`);
  return base;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const dir = arg('dir') ?? '/tmp/llmforge-sftalgo/base';
  const steps = arg('steps') === undefined ? undefined : Number(arg('steps'));
  const base = await ensureBaseModel(dir, steps === undefined ? {} : { steps });
  console.log(JSON.stringify(base, null, 2));
}
