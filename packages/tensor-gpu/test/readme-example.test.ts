/**
 * The README's training example, extracted from README.md and run as a program (as a user would),
 * on the CPU backend and, where an adapter exists, on WebGPU.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { noAdapterReason, skipWithoutAdapter, webgpuDisabled } from './webgpu-helpers.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Train something'));
const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

function runExample(args: string[]): number[] {
  // Inside the package so `@llmforge/tensor-gpu` resolves to this package (source condition).
  const dir = mkdtempSync(join(pkg, 'test', '.readme-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, code);
    const node = ['--conditions=@llmforge/source', '--import', 'tsx', file, ...args];
    const out = execFileSync(process.execPath, node, { cwd: pkg, encoding: 'utf8' });
    return [...out.matchAll(/step (\d+): loss ([\d.]+)/g)].map((m) => Number(m[2]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('README training example', () => {
  it('is in the README', () => {
    expect(code).toContain('new AdamW');
    expect(code.split('\n').length).toBeLessThanOrEqual(40);
  });

  it('trains on the CPU backend: the loss falls to the printed values', () => {
    const losses = runExample([]);
    expect(losses).toHaveLength(3);
    expect(losses[2]!).toBeLessThan(0.002);
    expect(losses[2]!).toBeLessThanOrEqual(losses[0]!);
  });

  // Dawn runs only in the example's own process (opening and disposing a device inside a vitest
  // worker can abort the worker at teardown). Without an adapter the test is skipped off CI and
  // fails under CI=true; any other failure of the example fails the test.
  it('trains on WebGPU (--gpu) with the same result', (ctx) => {
    const disabled = webgpuDisabled();
    if (disabled) ctx.skip(skipWithoutAdapter(disabled));
    let gpu: number[] = [];
    try {
      gpu = runExample(['--gpu']);
    } catch (error) {
      const reason = noAdapterReason(String((error as { stderr?: unknown }).stderr ?? error));
      if (!reason) throw error;
      ctx.skip(skipWithoutAdapter(reason));
    }
    const cpu = runExample([]);
    expect(gpu).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(gpu[i]! - cpu[i]!)).toBeLessThan(1e-4);
  });
});
