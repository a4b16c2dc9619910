/**
 * The README's "Start here" example, extracted from README.md and run as a program (as a user would).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Start here')))?.[1] ?? '';

describe('README example', () => {
  it('builds tasks, renders and packs them, trains, and checks held-out answers', () => {
    expect(code).toContain('makeSftBatches');
    // inside the package so `@llmforge/sft-rlhf` resolves to this package's source
    const dir = mkdtempSync(join(pkg, 'test', '.readme-'));
    try {
      const file = join(dir, 'example.mts');
      writeFileSync(file, code);
      const out = execFileSync(process.execPath, ['--conditions=@llmforge/source', '--import', 'tsx', file], {
        cwd: pkg,
        encoding: 'utf8',
      });
      const losses = [...out.matchAll(/step \d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));
      expect(losses.length).toBeGreaterThan(5);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(losses[0]! - 0.5);
      const [, solved, total] = /held-out success: (\d+)\/(\d+)/.exec(out)!;
      expect(Number(total)).toBe(20);
      expect(Number(solved)).toBeLessThanOrEqual(20);
      expect(out).toMatch(/\d+ batches, \d+ examples too long/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
