import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { AdamW } from '@llmforge/tensor-gpu';
import { createModel } from '@llmforge/transformer';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, TRAIN_DEFAULTS } from '../src/index.js';
import {
  CheckpointManager,
  createProgressReporter,
  formatDuration,
  loadModelWeights,
  loadOptimizerState,
  MetricsLogger,
  renderHtmlReport,
  saveOptimizerState,
  writeJsonAtomically,
  writeModelWeights,
} from '../src/node.js';
import { runTrainCli } from '../src/train/train-cli.js';
import { tempDir } from './helpers/fixtures.js';

function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('CheckpointManager', () => {
  it('keeps the last K and the best, lists only complete checkpoints, cleans what dead writers left', async () => {
    const dir = join(tempDir(), 'checkpoints');
    const m = new CheckpointManager(dir, { keepLast: 2, keepBest: true });
    const losses = [5, 3, 4, 4.5, 4.2];
    for (const [i, loss] of losses.entries()) {
      await m.save((i + 1) * 10, async (tmp) => writeFileSync(join(tmp, 'w.bin'), String(i)), loss);
    }
    expect(m.list().map((c) => c.step)).toEqual([20, 40, 50]);
    expect(m.best()!.step).toBe(20);
    expect(m.latest()!.step).toBe(50);
    // leftovers of a writer that died (pid above Linux's default pid_max, never alive)
    mkdirSync(join(dir, '.step-000060.tmp-4200000-abcdefgh'));
    mkdirSync(join(dir, '.step-000010.trash-4200000-abcdefgh'));
    mkdirSync(join(dir, 'step-000070')); // not written by the manager: no checkpoint.json
    await m.recover();
    expect(readdirSync(dir).sort()).toEqual(['step-000020', 'step-000040', 'step-000050', 'step-000070']);
    expect(m.list().map((c) => c.step)).toEqual([20, 40, 50]);
    expect(() => m.find(30)).toThrow(/expected a checkpoint of step 30, found steps 20, 40, 50/);
  });
});

describe('MetricsLogger', () => {
  it('appends JSON lines, and on resume keeps the lines up to the checkpoint and skips a torn last line', () => {
    const path = join(tempDir(), 'metrics.jsonl');
    const a = MetricsLogger.open(path, { keepUntilStep: 0 });
    for (let s = 1; s <= 5; s++) a.log({ type: 'train', step: s, loss: 5 - s / 10 });
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"train","st`);
    const b = MetricsLogger.open(path, { keepUntilStep: 3 });
    expect(b.records.map((r) => r.step)).toEqual([1, 2, 3]);
    b.log({ type: 'eval', step: 4, valLoss: 4.1 });
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(4);
  });
});

describe('progress', () => {
  it('prints plain lines when the stream is not a TTY', () => {
    const out = sink();
    const p = createProgressReporter({ mode: 'auto', stream: out.stream, every: 2 });
    p.start(4, 0);
    for (let s = 1; s <= 4; s++) p.update(s, { loss: 3.25004, tokensPerSecond: 12345.6, mfu: 0.25 });
    p.log('step 4: val loss 3.0000');
    p.stop();
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(/^step 2\/4 \| loss 3\.2500 \| 12,346 tok\/s \| MFU 25\.0% \| ETA \d+s$/);
    expect(lines.length).toBe(3);
    const more = sink();
    const q = createProgressReporter({ mode: 'lines', stream: more.stream, every: 1 });
    q.start(1, 0);
    q.update(1, { loss: 0.5, tokensPerSecond: 10, mfu: null, extra: { reward: 0.61234, kl: 1.2 } });
    expect(more.text()).toMatch(/^step 1\/1 \| loss 0\.5000 \| reward 0\.6123 \| kl 1\.2000 \| 10 tok\/s/);
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(4000)).toBe('1h 06m');
  });

  it('draws a bar with step, loss, tok/s, MFU and ETA on a TTY', () => {
    const out = sink();
    Object.assign(out.stream, {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const p = createProgressReporter({ mode: 'auto', stream: out.stream });
    p.start(10, 0);
    p.update(5, { loss: 2.5, tokensPerSecond: 1000, mfu: null });
    p.stop();
    expect(out.text()).toMatch(/step 5\/10 \| loss 2\.5000 \| 1,000 tok\/s \| MFU n\/a \| ETA/);
  });
});

describe('checkpoint pieces for other loops', () => {
  it('round-trips model weights and AdamW state exactly, and writes JSON atomically', async () => {
    const dir = tempDir('pieces');
    const config = { vocabSize: 11, contextLength: 8, nLayer: 1, nHead: 2, nEmbd: 8 };
    const a = createModel(config, { seed: 1 });
    const optA = new AdamW(a.parameters(), { lr: 0.01 });
    a.forwardBackward([[1, 2, 3, 4]], { labels: [[1, 2, 3, 4]] });
    optA.step();
    await writeModelWeights(dir, a);
    await saveOptimizerState(join(dir, 'optimizer.safetensors'), optA);
    const b = createModel(config, { seed: 2 });
    const optB = new AdamW(b.parameters(), { lr: 0.5 });
    await loadModelWeights(dir, b);
    await loadOptimizerState(join(dir, 'optimizer.safetensors'), optB);
    for (const [name, p] of a.namedParameters()) expect(b.parameter(name)!.dataSync()).toEqual(p.dataSync());
    expect(optB.lr).toBe(0.01);
    expect((await optB.state()).tensors.get('m.0')!.data).toEqual(
      (await optA.state()).tensors.get('m.0')!.data,
    );
    await writeJsonAtomically(join(dir, 'deep', 'x.json'), { a: 1 });
    expect(JSON.parse(readFileSync(join(dir, 'deep', 'x.json'), 'utf8'))).toEqual({ a: 1 });
    expect(readdirSync(join(dir, 'deep'))).toEqual(['x.json']);
  });
});

describe('HTML report', () => {
  it('is one self-contained file with the data and the chart library inlined', () => {
    const html = renderHtmlReport({
      title: 'run <a>',
      charts: [
        { title: 'loss', xLabel: 'step', yLabel: 'loss', series: [{ label: 'train', points: [[1, 4.2]] }] },
      ],
      table: [['model', '4 layers']],
    });
    expect(html).toContain('run &lt;a&gt;');
    expect(html).toContain('[[1,4.2]]');
    expect(html).toMatch(/uPlot/);
    expect(html).not.toMatch(/src="http/);
  });

  it('draws grouped bars over named categories and escapes the text of its sections', () => {
    const html = renderHtmlReport({
      title: 'rl',
      charts: [
        {
          title: 'success per family',
          xLabel: 'family',
          yLabel: 'success',
          kind: 'bars',
          categories: ['capital', 'addition'],
          yRange: [0, 1],
          series: [
            {
              label: 'before',
              points: [
                [0, 0.25],
                [1, 0.5],
              ],
            },
            {
              label: 'after',
              points: [
                [0, 0.5],
                [1, 0.75],
              ],
            },
          ],
        },
      ],
      sections: [
        {
          title: 'Samples',
          columns: ['prompt', 'answer'],
          rows: [['What is <b>2+2</b>?', '4\n(calculator)']],
        },
      ],
    });
    expect(html).toContain('"kind":"bars"');
    expect(html).toContain('"categories":["capital","addition"]');
    expect(html).toContain('uPlot.paths.bars');
    expect(html).toContain('<h2>Samples</h2>');
    expect(html).toContain('What is &lt;b&gt;2+2&lt;/b&gt;?');
    expect(html).not.toContain('<b>2+2</b>');
  });
});

describe('train config', () => {
  it('fills defaults from the steps and the preset', () => {
    const c = resolveTrainConfig({
      outDir: 'o',
      data: { dir: 'd' },
      model: { preset: 'tiny-gpt' },
      steps: 1000,
    });
    expect(c.schedule.warmupSteps).toBe(20);
    expect(c.schedule.minLr).toBeCloseTo(TRAIN_DEFAULTS.optimizer.lr / 10, 15);
    expect(c.seqLen).toBe(128);
    expect(c.model.vocabSize).toBe(0); // taken from the dataset later
    expect(c.eval.every).toBe(50);
    expect(c.checkpoint.every).toBe(50);
  });

  it('the CLI names the field of a bad config and exits with 1, before any work', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        outDir: join(dir, 'o'),
        data: { dir: dir },
        model: { preset: 'tiny-gpt' },
        steps: 10,
        batch_size: 3,
      }),
    );
    const out = sink();
    const err = sink();
    const code = await runTrainCli(['--config', file], {
      stdout: out.stream,
      stderr: err.stream,
      stdin: Readable.from([]),
    });
    expect(code).toBe(1);
    expect(err.text()).toMatch(
      /llmforge-train: train: batch_size: expected one of the known fields .* hint: did you mean "batchSize"\?/,
    );
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });
});
