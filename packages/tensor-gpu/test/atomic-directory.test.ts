import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicDirectoryError, recoverDirectory, writeDirectoryAtomically } from '../src/node.js';
import { FILE_SIZES, writeVersion } from './helpers/atomic-directory-child.js';
import { bundleScript } from './helpers/bundle-script.js';

/** The version a directory holds, after checking that every file belongs to it (else it is torn). */
function readVersion(dir: string): number {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    version: number;
    sizes: number[];
  };
  expect(manifest.sizes).toEqual(FILE_SIZES);
  const names = readdirSync(dir).sort();
  expect(names).toEqual([...FILE_SIZES.map((_, i) => `part-${i}.bin`), 'manifest.json'].sort());
  for (const [i, size] of FILE_SIZES.entries()) {
    const bytes = readFileSync(join(dir, `part-${i}.bin`));
    expect(bytes.length).toBe(size);
    const want = manifest.version % 251;
    expect(bytes.every((b) => b === want)).toBe(true);
  }
  return manifest.version;
}

function siblings(dir: string): string[] {
  return readdirSync(dirname(dir)).filter((n) => n.startsWith('.'));
}

const tmpRoots: string[] = [];
function freshDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'llmforge-atomic-'));
  tmpRoots.push(root);
  return join(root, 'ckpt');
}
afterAll(async () => {
  for (const r of tmpRoots) await rm(r, { recursive: true, force: true });
});

describe('writeDirectoryAtomically', () => {
  it('creates, then replaces a directory as a whole, leaving no siblings', async () => {
    const dir = freshDir();
    await writeVersion(dir, 1);
    expect(readVersion(dir)).toBe(1);
    await writeVersion(dir, 2);
    expect(readVersion(dir)).toBe(2);
    expect(siblings(dir)).toEqual([]);
  });

  it('leaves the previous version untouched when the writer throws, and passes typed errors through', async () => {
    const dir = freshDir();
    await writeVersion(dir, 7);
    await expect(
      writeDirectoryAtomically(dir, async (tmp) => {
        writeFileSync(join(tmp, 'part-0.bin'), 'half');
        throw new AtomicDirectoryError({ operation: 'test', expected: 'x', found: 'y' });
      }),
    ).rejects.toThrow(/test: expected x, found y/);
    expect(readVersion(dir)).toBe(7);
    expect(siblings(dir)).toEqual([]);
  });

  it('names the directory and the step when the destination cannot be written', async () => {
    const root = freshDir();
    await mkdir(dirname(root), { recursive: true });
    writeFileSync(join(dirname(root), 'file'), 'not a directory');
    const err = await writeDirectoryAtomically(join(dirname(root), 'file', 'sub'), async () => {}).catch(
      (e: unknown) => e,
    );
    expect(AtomicDirectoryError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/writeDirectoryAtomically: .*file\/sub: expected to create/);
  });

  it('recovery completes an interrupted replacement, or rolls it back, and removes incomplete writes', async () => {
    const dir = freshDir();
    await writeVersion(dir, 1);
    const parent = dirname(dir);
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: never a live process
    // a crash between `ckpt → .old` and `.new → ckpt`: the complete new version wins
    await writeVersion(join(parent, `.ckpt.new-${deadPid}-aaaaaaaa`), 2);
    const { rename } = await import('node:fs/promises');
    await rename(dir, join(parent, `.ckpt.old-${deadPid}-bbbbbbbb`));
    await mkdir(join(parent, `.ckpt.tmp-${deadPid}-cccccccc`));
    const r = await recoverDirectory(dir);
    expect(r.restored).toBe('new');
    expect(readVersion(dir)).toBe(2);
    expect(siblings(dir)).toEqual([]);
    // only the old version left: it goes back in place
    await rename(dir, join(parent, `.ckpt.old-${deadPid}-dddddddd`));
    expect((await recoverDirectory(dir)).restored).toBe('old');
    expect(readVersion(dir)).toBe(2);
  });
});

describe('writeDirectoryAtomically under SIGKILL at random moments', () => {
  let script = '';
  beforeAll(async () => {
    script = await bundleScript(
      fileURLToPath(new URL('./helpers/atomic-directory-child.ts', import.meta.url)),
    );
  }, 60_000);

  it('60 kills: the directory is always the last saved version or the next one, complete', async () => {
    const dir = freshDir();
    await writeVersion(dir, 0);
    let acked = 0;
    const outcomes = { old: 0, new: 0 };
    // a deterministic sequence of kill delays (ms after the child says it is ready)
    let seed = 12345;
    const nextDelay = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 5 + (seed % 60);
    };
    for (let kill = 0; kill < 60; kill++) {
      const child: ChildProcess = spawn(process.execPath, [script, dir, String(acked + 1)], {
        env: { ...process.env, ATOMIC_CHILD: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await new Promise<void>((resolve) => {
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.startsWith('ready\n')) resolve();
        });
        child.on('exit', () => resolve());
      });
      await new Promise((r) => setTimeout(r, nextDelay()));
      child.kill('SIGKILL');
      await exited;
      const saved = [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
      if (saved.length > 0) acked = saved[saved.length - 1]!;
      await recoverDirectory(dir);
      const version = readVersion(dir); // throws (fails) on a torn directory
      expect([acked, acked + 1]).toContain(version);
      outcomes[version === acked ? 'old' : 'new']++;
      acked = version;
      expect(siblings(dir)).toEqual([]);
    }
    // the kills landed both before and after the switch, not only between saves
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
    await writeVersion(dir, acked + 1);
    expect(readVersion(dir)).toBe(acked + 1);
    expect(siblings(dir)).toEqual([]);
    expect(statSync(dir).isDirectory()).toBe(true);
  }, 120_000);
});
