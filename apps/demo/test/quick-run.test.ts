/**
 * The `--quick` preset end to end, in-process: every stage runs and writes what it should, with
 * sane figures (finite losses that fell, rates in range); a second run skips every stage; an
 * interrupted run (a real SIGINT to the program) continues where it stopped. No wall-time asserts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import { fromPretrained } from '@llmforge/transformer/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemoCli } from '../src/cli.js';
import type { DemoReport } from '../src/report/report-json.js';
import { SAMPLE_FAMILIES } from '../src/samples.js';
import { memoryIO, tempDir } from './helpers.js';

const STAGES_RUN = ['prepare', 'tokenizer', 'pretrain', 'sft', 'reward', 'ppo', 'grpo', 'dpo'] as const;
const POST = ['sft', 'ppo', 'grpo', 'dpo'] as const;
let run = '';
let first: ReturnType<typeof memoryIO>;
let code = -1;

beforeAll(async () => {
  run = join(tempDir(), 'quick');
  first = memoryIO();
  code = await runDemoCli(['all', '--quick', '--run', run, '--progress', 'lines'], first);
}, 600_000);

const json = <T>(...parts: string[]) => JSON.parse(readFileSync(join(run, ...parts), 'utf8')) as T;

/** Runs the program with `args`, sends SIGINT once stderr matches `when`; its exit code and stderr. */
async function interrupted(args: string[], when: RegExp): Promise<{ exit: number | null; err: string }> {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@llmforge/source', '--import', 'tsx', main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    err += String(d);
    if (!sent && when.test(err)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { exit, err };
}

/** The step of the one checkpoint an interrupted stage left in `<stage>.partial/`. */
function partialStep(stage: string): number {
  const partial = readdirSync(join(run, `${stage}.partial`, 'checkpoints'));
  expect(partial).toHaveLength(1);
  return Number(/step-(\d+)/.exec(partial[0]!)![1]);
}

describe('llmforge-demo --quick', () => {
  it('runs every stage, with progress lines and ETAs, and a summary table', () => {
    expect(code, first.err()).toBe(0);
    for (const [i, s] of STAGES_RUN.entries()) {
      expect(first.err()).toContain(`[${i + 1}/${STAGES_RUN.length}] ${s}: done in `);
      expect(first.out()).toMatch(new RegExp(`│ ${s} +│ ran +│`));
    }
    expect(first.err()).toMatch(/^pretrain 60\/60 steps \| loss \d+\.\d{4} · [\d,]+ tok\/s \| ETA 0s$/m);
    expect(first.err()).toMatch(/^tokenizer \d+\/\d+ merges/m);
    // the post-training trainers report into the same progress lines, RL with reward and KL
    expect(first.err()).toMatch(/^sft \d+\/\d+ steps \| loss \d+\.\d{4}/m);
    expect(first.err()).toMatch(/^ppo 3\/3 steps \| loss -?\d+\.\d{4} · reward -?\d+\.\d{4} · kl /m);
    expect(first.out()).toContain(`report: ${join(run, 'report.json')}`);
  });

  it('writes the corpus split, the tokenizer, the shards, an HF checkpoint and the metrics', async () => {
    for (const f of [
      'run.json',
      'prepare/train.txt',
      'prepare/val.txt',
      'tokenizer/tokenizer.json',
      'tokenizer/shards/dataset.json',
      'tokenizer/shards/corpus_train_000000.bin',
      'tokenizer/shards/corpus_val_000000.bin',
      'pretrain/metrics.jsonl',
      ...['sft', 'reward', ...POST.slice(1)].flatMap((st) => [`${st}/metrics.jsonl`, `${st}/result.json`]),
      'report.json',
      'report.html',
    ]) {
      expect(existsSync(join(run, f)), f).toBe(true);
    }
    for (const s of STAGES_RUN) expect(json<{ stage: string }>('stages', `${s}.json`).stage).toBe(s);
    expect(readdirSync(run).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const report = json<DemoReport>('report.json');
    const ckpt = join(run, 'pretrain', report.pretrain!.checkpoint as string);
    expect(readdirSync(ckpt).sort()).toEqual(
      expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json']),
    );
    const model = await fromPretrained(ckpt);
    const tok = await loadTokenizer(join(ckpt, 'tokenizer.json'));
    expect(model.config.vocabSize).toBe(512);
    expect(tok.decode(tok.encode('Elizabeth Bennet'))).toBe('Elizabeth Bennet');
    expect(tok.tokenToId('<|assistant|>')).toBeDefined();
    model.dispose();
    // every post-trained model is an HF checkpoint with its tokenizer; the reward model has its head
    for (const st of [...POST, 'reward'] as const) {
      const dir = join(run, st, report[st]!.checkpoint as string);
      expect(readdirSync(dir), st).toEqual(
        expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json']),
      );
    }
    expect(readdirSync(join(run, 'reward', report.reward!.checkpoint as string))).toContain(
      'reward_head.safetensors',
    );
  });

  it('report.json holds sane figures for every stage', () => {
    const r = json<DemoReport>('report.json');
    expect(r).toMatchObject({ format: 'llmforge-demo-report', version: 1, preset: 'quick' });
    const tok = r.tokenizer as unknown as { bytesPerToken: number; vocabSize: number; trainTokens: number };
    expect(tok.bytesPerToken).toBeGreaterThan(1.5);
    expect(tok.bytesPerToken).toBeLessThan(6);
    expect(tok.vocabSize).toBe(512);
    const pre = r.pretrain as unknown as {
      valLoss: number;
      valLossBefore: number;
      tokensPerSecond: number;
      samples: unknown[];
      continuation: { text: string };
    };
    expect(Number.isFinite(pre.valLoss)).toBe(true);
    // ln(512) = 6.24 nats at the start; 60 steps learn at least the unigram statistics
    expect(pre.valLossBefore).toBeGreaterThan(5.8);
    expect(pre.valLoss).toBeLessThan(pre.valLossBefore - 0.5);
    expect(pre.tokensPerSecond).toBeGreaterThan(0);
    expect(pre.samples).toHaveLength(SAMPLE_FAMILIES.length);
    expect(pre.continuation.text.startsWith('It is a truth universally acknowledged')).toBe(true);
    for (const s of STAGES_RUN) expect((r[s] as { seconds: number }).seconds).toBeGreaterThan(0);
    // the training losses in metrics.jsonl are finite and fell
    const losses = readFileSync(join(run, 'pretrain', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; loss?: number })
      .filter((m) => m.type === 'train')
      .map((m) => m.loss!);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!); // the first line is step 10, already past the steepest fall
  });

  it('report.json holds sane post-training figures: losses that fell, rates in range', () => {
    const r = json<DemoReport>('report.json');
    const rate = (v: unknown) => {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    };
    const sft = r.sft as unknown as {
      heldoutLossBefore: number;
      heldoutLoss: number;
      taskAccuracy: number;
      perFamily: Record<string, number>;
      lossCurve: [number, number][];
    };
    expect(Number.isFinite(sft.heldoutLoss)).toBe(true);
    expect(sft.heldoutLoss).toBeLessThan(sft.heldoutLossBefore - 0.5);
    expect(sft.lossCurve.every(([, l]) => Number.isFinite(l))).toBe(true);
    expect(sft.lossCurve.at(-1)![1]).toBeLessThan(sft.lossCurve[0]![1]);
    rate(sft.taskAccuracy);
    Object.values(sft.perFamily).forEach(rate);
    const reward = r.reward as unknown as { pairAccuracy: number; meanMargin: number; trainLoss: number };
    rate(reward.pairAccuracy);
    expect(Number.isFinite(reward.meanMargin)).toBe(true);
    // Bradley–Terry starts at ln 2 = 0.693 for an untrained head
    expect(reward.trainLoss).toBeLessThan(0.75);
    for (const st of ['ppo', 'grpo', 'dpo'] as const) {
      const rl = r[st] as unknown as {
        steps: number;
        successBefore: number;
        successAfter: number;
        meanKL: number;
        perFamily: { before: Record<string, number>; after: Record<string, number> };
        rewardCurve: number[];
        klCurve: number[];
        samples: unknown[];
      };
      rate(rl.successBefore);
      rate(rl.successAfter);
      expect(Number.isFinite(rl.meanKL), st).toBe(true);
      expect(rl.rewardCurve.length, st).toBeGreaterThan(0);
      expect([...rl.rewardCurve, ...rl.klCurve].every(Number.isFinite), st).toBe(true);
      [...Object.values(rl.perFamily.before), ...Object.values(rl.perFamily.after)].forEach(rate);
      expect(rl.samples, st).toHaveLength(SAMPLE_FAMILIES.length);
      // every RL stage starts from the same SFT model, judged on the same held-out tasks
      expect(rl.successBefore, st).toBe((r.ppo as unknown as { successBefore: number }).successBefore);
    }
    expect((r.sft as unknown as { samples: unknown[] }).samples).toHaveLength(SAMPLE_FAMILIES.length);
  });

  it('report.html is one self-contained page with the plots, the tokens and the samples', () => {
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    expect(html).toContain('Pretraining: next-token loss (nats per token)');
    expect(html).toContain('<h2>The same prompts after each stage</h2>');
    expect(html).toContain('<h2>Tokens</h2>');
    expect(html).toContain('The base model continues a line of Austen');
    expect(html).toContain('SFT: loss on the assistant tokens');
    expect(html).toContain('Reward model: pairwise accuracy (held-out pairs)');
    expect(html).toContain('RL: KL to the reference model per step (nats per sequence)');
    expect(html).toContain('Success per task family on held-out prompts');
  });

  it("chat talks to the run's newest RL model by default, and to a named stage with --stage", async () => {
    const io = memoryIO('Sort these numbers: 3, 1, 2.\n');
    expect(await runDemoCli(['chat', '--run', run, '--max-new-tokens', '8'], io), io.err()).toBe(0);
    expect(io.out()).toContain(`chat with the ppo model of ${run}`);
    expect(io.out()).toContain('model> ');
    const sft = memoryIO('hello\n');
    expect(await runDemoCli(['chat', '--run', run, '--stage', 'sft', '--max-new-tokens', '4'], sft)).toBe(0);
    expect(sft.out()).toContain(`chat with the sft model of ${run}`);
  });

  it('a second run finds every stage current and skips it', async () => {
    const io = memoryIO();
    expect(await runDemoCli(['all', '--quick', '--run', run, '--progress', 'lines'], io)).toBe(0);
    for (const [i, s] of STAGES_RUN.entries())
      expect(io.err()).toContain(`[${i + 1}/${STAGES_RUN.length}] ${s}: current, skipped`);
    expect(io.err()).not.toContain('done in');
    expect(io.out()).toMatch(/│ dpo +│ current +│/);
  });

  it('Ctrl-C during PPO saves a checkpoint; the same command continues the RL run from it', async () => {
    // sft and reward stay current (same flags), so only ppo reruns, with more steps than before
    const args = ['ppo', '--quick', '--run', run, '--rl-steps', '12', '--progress', 'lines'];
    const { exit, err } = await interrupted(args, /^ppo [2-9]\/12 steps/m);
    expect(exit, err).toBe(130);
    expect(err).toContain('sft: current, skipped');
    expect(err).toMatch(/^llmforge-demo: expected the stages to finish, found an interrupt \(Ctrl-C\)/m);
    const stoppedAt = partialStep('ppo');
    expect(stoppedAt).toBeGreaterThan(1);
    expect(stoppedAt).toBeLessThan(12);
    // the finished 3-step output stays in place until the 12-step one is complete
    expect(json<{ result: { steps: number } }>('stages', 'ppo.json').result.steps).toBe(3);

    const io = memoryIO();
    expect(await runDemoCli(args, io), io.err()).toBe(0);
    expect(io.err()).toContain(
      'ppo: PPO against the reward model, KL-leashed to the SFT model (continuing an interrupted run)',
    );
    // the continued run starts after the checkpoint's step, not at step 1
    expect(io.err()).not.toMatch(/^ppo 1\/12 steps/m);
    expect(io.err()).toMatch(new RegExp(`^ppo ${stoppedAt + 1}/12 steps`, 'm'));
    const result = json<{ result: { steps: number; stopped: boolean; meanKL: number } }>(
      'stages',
      'ppo.json',
    ).result;
    expect(result.steps).toBe(12);
    expect(result.stopped).toBe(false);
    expect(Number.isFinite(result.meanKL)).toBe(true);
  });

  it('Ctrl-C stops with a checkpoint and exit code 130; the same command continues from it', async () => {
    const args = ['pretrain', '--quick', '--run', run, '--steps', '150', '--progress', 'lines'];
    const { exit, err } = await interrupted(args, /^pretrain (1\d|[2-9]\d)\/150 steps/m);
    expect(exit, err).toBe(130);
    expect(err).toContain('interrupted: stopping after the current step with a checkpoint');
    expect(err).toMatch(
      /^llmforge-demo: expected the stages to finish, found an interrupt \(Ctrl-C\).*run the same command again/m,
    );
    const stoppedAt = partialStep('pretrain');
    expect(stoppedAt).toBeGreaterThan(9);
    expect(stoppedAt).toBeLessThan(150);
    // the previous (60-step) output is still in place until the new one is complete
    expect(json<{ result: { steps: number } }>('stages', 'pretrain.json').result.steps).toBe(60);

    const io = memoryIO();
    expect(await runDemoCli(args.slice(0, -2).concat(['--progress', 'lines']), io), io.err()).toBe(0);
    expect(io.err()).toContain(
      '[3/3] pretrain: pretrain a GPT on the shards (continuing an interrupted run)',
    );
    expect(io.err()).not.toMatch(/^pretrain 1\/150 steps/m);
    expect(json<{ result: { steps: number } }>('stages', 'pretrain.json').result.steps).toBe(150);
  });
});
