/**
 * The post-training bench: a recipe's whole chain on the CPU backend, base model → SFT → reward
 * model → PPO, GRPO and DPO, with the results table of the README (success before / after, KL to
 * the reference, reward, wall and CPU time per stage).
 *
 *   pnpm bench                                   # DEMO_RECIPE, every stage
 *   pnpm bench -- --recipe quick                 # QUICK_RECIPE
 *   pnpm bench -- --stages ppo --set ppo.lr=2e-4 # rerun a stage with an override (others reused)
 *   options: --out DIR (default /tmp/llmforge-sftalgo/runs/<recipe>), --base DIR (a checkpoint to
 *            start from instead of pretraining one), --threads N, --skip grpo,dpo (stages left out;
 *            --skip reward leaves out every RL stage too: SFT only), --replay SHARD (SFT replays
 *            the documents of a token shard beside its conversations, e.g. the base model's
 *            mid-training shard: `SftConfig.documents`; the reward model and the RL stages replay
 *            them too, as a language-modelling term of `ptxCoef` weight: `--set ppo.ptxCoef=0`
 *            turns it off for one stage)
 *
 * The base model (tokenizer, shards, pretraining with @llmforge/trainer) is made once and cached
 * (bench/base-model.ts). A stage whose result.json exists is reused unless named in --stages.
 * Times: wall seconds, and CPU seconds of the process (all threads): the machine this runs on is
 * shared, so wall time is inflated by the load average printed beside it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import {
  DEMO_RECIPE,
  loadTaskData,
  type PostTrainingRecipe,
  QUICK_RECIPE,
  type RewardResult,
  type RlResult,
  readShardDocuments,
  recipeTasks,
  type SftResult,
  trainDpo,
  trainGrpo,
  trainPpo,
  trainRewardModel,
  trainSft,
} from '../src/node.js';
import { type BaseModel, ensureBaseModel } from './base-model.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const recipeName = arg('recipe') ?? 'demo';
const recipe: PostTrainingRecipe = structuredClone(recipeName === 'quick' ? QUICK_RECIPE : DEMO_RECIPE);
// --set stage.field=value (JSON value), repeatable
for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--set') continue;
  const [path, value] = args[i + 1]!.split('=') as [string, string];
  const keys = path.split('.');
  let target = recipe as unknown as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) target = target[k] as Record<string, unknown>;
  target[keys.at(-1)!] = JSON.parse(value);
}
const out = arg('out') ?? `/tmp/llmforge-sftalgo/runs/${recipeName}`;
const rerun = new Set((arg('stages') ?? 'sft,reward,ppo,grpo,dpo').split(','));
const STAGES = ['sft', 'reward', 'ppo', 'grpo', 'dpo'];
const skip = new Set((arg('skip') ?? '').split(',').filter(Boolean));
for (const name of [...skip, ...rerun]) {
  if (!STAGES.includes(name)) {
    console.error(
      `bench: unknown stage ${JSON.stringify(name)} in --stages/--skip (stages: ${STAGES.join(', ')})`,
    );
    process.exit(2);
  }
}
if (skip.has('sft')) {
  console.error(
    'bench: --skip sft: every later stage starts from the SFT model; skip the later ones instead',
  );
  process.exit(2);
}
const threads = arg('threads') === undefined ? undefined : Number(arg('threads'));
const backend = createCpuBackend(threads === undefined ? {} : { threads });
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const log = (s: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)} load ${load()}] ${s}`);

interface Timed<T> {
  result: T;
  wall: number;
  cpu: number;
  load: string;
}

/** Runs a stage (or reads its saved result), timing wall and CPU seconds. */
async function stage<T>(name: string, run: (dir: string) => Promise<T>): Promise<Timed<T>> {
  const dir = join(out, name);
  const saved = join(dir, 'bench.json');
  if (!rerun.has(name) && existsSync(saved)) return JSON.parse(readFileSync(saved, 'utf8')) as Timed<T>;
  rmSync(dir, { recursive: true, force: true });
  log(`${name}: start`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await run(dir);
  const cpu = process.cpuUsage(cpu0);
  const timed = {
    result,
    wall: (performance.now() - t0) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    load: load(),
  };
  const { writeJsonAtomically } = await import('@llmforge/trainer/node');
  await writeJsonAtomically(saved, timed);
  log(`${name}: done in ${timed.wall.toFixed(0)} s wall, ${timed.cpu.toFixed(0)} s CPU`);
  return timed;
}

const base: BaseModel = arg('base')
  ? {
      checkpoint: arg('base')!,
      tokenizerPath: join(arg('base')!, 'tokenizer.json'),
      valLoss: Number.NaN,
      seconds: { tokenizer: 0, prepare: 0, pretrain: 0 },
    }
  : await ensureBaseModel('/tmp/llmforge-sftalgo/base', { recipe, log });
log(`recipe ${recipe.name}, base ${base.checkpoint}`);
const tasks = recipeTasks(await loadTaskData(), recipe);
// --replay, or the base's own mid-training shard when the recipe replays it (`pretrain.mix.replay`)
const replayShard = arg('replay') ?? (recipe.pretrain.mix?.replay ? base.midShard : undefined);
if (recipe.pretrain.mix?.replay && !replayShard) {
  console.error('bench: the recipe replays its mid-training shard: with --base, name it with --replay SHARD');
  process.exit(2);
}
const replay = replayShard
  ? readShardDocuments(replayShard, (await loadTokenizer(base.tokenizerPath)).tokenToId('<|endoftext|>')!)
  : null;
if (replay) log(`sft, reward and RL stages replay ${replay.length} documents of ${replayShard}`);
const documents = replay ? { documents: replay } : {};
const common = { backend, progressMode: 'lines' as const };

const sft = await stage<SftResult>('sft', (dir) =>
  trainSft({
    ...recipe.sft,
    ...common,
    outDir: dir,
    model: base.checkpoint,
    tasks: tasks.sft,
    heldout: tasks.heldout,
    ...documents,
  }),
);
const reward = skip.has('reward')
  ? null
  : await stage<RewardResult>('reward', (dir) =>
      trainRewardModel({
        ...recipe.reward,
        ...common,
        outDir: dir,
        model: sft.result.checkpointDir,
        tasks: tasks.reward,
        heldout: tasks.heldout,
        ...documents,
      }),
    );
/** An RL stage, unless skipped (`--skip reward` skips them all: they need the reward model's run). */
async function rlStage(
  name: 'ppo' | 'grpo' | 'dpo',
  train: (o: Parameters<typeof trainPpo>[0]) => Promise<RlResult>,
): Promise<Timed<RlResult> | null> {
  if (skip.has(name) || !reward) return null;
  const rl = {
    ...recipe[name],
    ...common,
    policy: sft.result.checkpointDir,
    rewardModel: reward.result.checkpointDir,
    heldout: tasks.heldout,
    tasks: tasks.rl,
    ...documents,
  };
  return stage<RlResult>(name, (dir) => train({ ...rl, outDir: dir }));
}
const ppo = await rlStage('ppo', trainPpo);
const grpo = await rlStage('grpo', trainGrpo);
const dpo = await rlStage('dpo', trainDpo);

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null, d = 2) => (x === null ? 'n/a' : x.toFixed(d));
console.log(`\nrecipe ${recipe.name}: base ${base.checkpoint} (val loss ${num(base.valLoss, 3)})\n`);
console.log('| stage | result | wall s | CPU s | load |');
console.log('|---|---|---|---|---|');
console.log(
  `| SFT | held-out loss ${num(sft.result.heldoutLossBefore, 3)} → ${num(sft.result.heldoutLoss, 3)}, task success ${pct(sft.result.taskAccuracy)} | ${sft.wall.toFixed(0)} | ${sft.cpu.toFixed(0)} | ${sft.load} |`,
);
if (reward) {
  console.log(
    `| reward model | held-out pair accuracy ${pct(reward.result.pairAccuracy)}, mean margin ${num(reward.result.meanMargin)} | ${reward.wall.toFixed(0)} | ${reward.cpu.toFixed(0)} | ${reward.load} |`,
  );
}
console.log(
  '\n| method | success before → after | ratio | KL (nats/seq) | RM reward before → after | wall s | CPU s | load |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, r] of [
  ['PPO', ppo],
  ['GRPO', grpo],
  ['DPO', dpo],
] as const) {
  if (r === null) continue;
  const x = r.result;
  const ratio = x.successBefore > 0 ? `${(x.successAfter / x.successBefore).toFixed(2)}×` : 'n/a';
  console.log(
    `| ${name} | ${pct(x.successBefore)} → ${pct(x.successAfter)} | ${ratio} | ${num(x.meanKL)} | ${num(x.rewardBefore)} → ${num(x.rewardAfter)} | ${r.wall.toFixed(0)} | ${r.cpu.toFixed(0)} | ${r.load} |`,
  );
}
if (reward && ppo) {
  const chain = sft.wall + reward.wall + ppo.wall;
  const chainCpu = sft.cpu + reward.cpu + ppo.cpu;
  console.log(`\nSFT + reward model + PPO: ${chain.toFixed(0)} s wall, ${chainCpu.toFixed(0)} s CPU`);
}
console.log('\nper family (held-out greedy success, SFT → PPO / GRPO / DPO):');
const after = (r: Timed<RlResult> | null, f: string) => pct(r?.result.perFamily.after[f] ?? null).padStart(6);
for (const [f, before] of Object.entries(sft.result.perFamily)) {
  const total = sft.result.familyTotals[f];
  console.log(
    `  ${f.padEnd(16)} ${pct(before).padStart(6)} → ${after(ppo, f)} / ${after(grpo, f)} / ${after(dpo, f)}   (${total})`,
  );
}
if (reward) console.log('\nreward model per family:', JSON.stringify(reward.result.perFamily));
backend.dispose();
