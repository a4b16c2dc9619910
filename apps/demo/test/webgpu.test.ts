/**
 * `--backend webgpu`: the demo runs its model on WebGPU (Dawn: a GPU, or Mesa llvmpipe through
 * OpenGL on a machine without one) and says which adapter it got. Pretraining evaluates through
 * the trainer's asynchronous reads (the old demo crashed there with `itemSync` on a WebGPU tensor),
 * then samples on the device. Without an adapter the file is reported as skipped, except under
 * CI=true, where it fails; LLMFORGE_WEBGPU=off simulates a machine without one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemoCli } from '../src/cli.js';
import type { DemoReport } from '../src/report/report-json.js';
import { SAMPLE_FAMILIES } from '../src/samples.js';
import { memoryIO, tempDir } from './helpers.js';

async function adapter(): Promise<string | undefined> {
  if (process.env.LLMFORGE_WEBGPU === 'off') return 'disabled by LLMFORGE_WEBGPU=off';
  try {
    const { createNodeGPU } = await import('@llmforge/tensor-gpu/node');
    const { device } = await createNodeGPU();
    device.destroy();
    return undefined;
  } catch (e) {
    const message = String((e as Error).message).split('\n')[0]!;
    if (!/expected a WebGPU adapter|optional peer dependency "webgpu"/.test(message)) throw e;
    return message.slice(0, 160);
  }
}

const missing = await adapter();
if (missing && process.env.CI === 'true') {
  throw new Error(`WebGPU is required under CI=true, but there is no adapter: ${missing}`);
}
const title = missing ? `--backend webgpu (skipped: no WebGPU adapter (${missing}))` : '--backend webgpu';

describe.skipIf(missing !== undefined)(title, () => {
  it('pretrains and samples on WebGPU, naming the adapter', async () => {
    const run = join(tempDir(), 'gpu');
    const io = memoryIO();
    const code = await runDemoCli(
      ['pretrain', '--quick', '--steps', '3', '--backend', 'webgpu', '--run', run, '--progress', 'lines'],
      io,
    );
    expect(code, io.err()).toBe(0);
    expect(io.err()).toMatch(/^backend: webgpu: .+ \(Dawn's .+ backend\)$/m);
    const report = JSON.parse(readFileSync(join(run, 'report.json'), 'utf8')) as DemoReport;
    const pre = report.pretrain as unknown as {
      backend: string;
      valLoss: number;
      valLossBefore: number;
      samples: unknown[];
    };
    expect(pre.backend).toMatch(/^webgpu: /);
    expect(Number.isFinite(pre.valLoss)).toBe(true);
    expect(pre.valLoss).toBeLessThan(pre.valLossBefore);
    expect(pre.samples).toHaveLength(SAMPLE_FAMILIES.length);
  }, 600_000);
});
