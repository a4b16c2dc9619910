/**
 * updateDirectoryAtomically: the owned entries are replaced (or dropped), every other entry is
 * carried over unchanged (files as hard links, folders, symbolic links), a symbolic link to the
 * directory is followed, and what cannot be carried (a FIFO) fails the update with nothing changed.
 */
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicDirectoryError, updateDirectoryAtomically } from '../src/node.js';

const root = mkdtempSync(join(tmpdir(), 'llmforge-update-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const owns = (name: string) =>
  name === 'weights.bin' || name === 'config.json' || /^shard-\d+\.bin$/.test(name);
const save = (dir: string, version: number) =>
  updateDirectoryAtomically(
    dir,
    async (tmp) => {
      writeFileSync(join(tmp, 'weights.bin'), `weights ${version}`);
      writeFileSync(join(tmp, 'config.json'), `{"version": ${version}}`);
    },
    { owns },
  );
const siblings = (dir: string) => readdirSync(dirname(dir)).filter((n) => n.startsWith('.'));

describe('updateDirectoryAtomically', () => {
  it('creates the directory, then replaces only what it owns', async () => {
    const dir = join(root, 'model');
    await save(dir, 1);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'weights.bin']);
    // what a user or a trainer puts beside the checkpoint
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": "bpe"}');
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'train.jsonl'), 'line\n');
    symlinkSync('tokenizer.json', join(dir, 'tok-link.json'));
    writeFileSync(join(dir, 'shard-2.bin'), 'stale shard of an older save');
    const inode = statSync(join(dir, 'tokenizer.json')).ino;
    await save(dir, 2);
    expect(readdirSync(dir).sort()).toEqual([
      'config.json',
      'logs',
      'tok-link.json',
      'tokenizer.json',
      'weights.bin',
    ]);
    expect(readFileSync(join(dir, 'weights.bin'), 'utf8')).toBe('weights 2');
    expect(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).toBe('{"model": "bpe"}');
    expect(statSync(join(dir, 'tokenizer.json')).ino).toBe(inode); // a hard link, not a copy
    expect(readFileSync(join(dir, 'logs', 'train.jsonl'), 'utf8')).toBe('line\n');
    expect(readlinkSync(join(dir, 'tok-link.json'))).toBe('tokenizer.json');
    expect(siblings(dir)).toEqual([]);
  });

  it('follows a symbolic link to the directory: the link stays, its target is updated', async () => {
    const real = join(root, 'real-model');
    const link = join(root, 'linked-model');
    await save(real, 1);
    writeFileSync(join(real, 'README.md'), 'hello');
    symlinkSync(real, link);
    await save(link, 2);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(real, 'weights.bin'), 'utf8')).toBe('weights 2');
    expect(readFileSync(join(real, 'README.md'), 'utf8')).toBe('hello');
  });

  it.skipIf(process.platform === 'win32')('a FIFO in the directory: refused, nothing changed', async () => {
    const dir = join(root, 'with-fifo');
    await save(dir, 1);
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const e = await save(dir, 2).catch((err: unknown) => err);
    expect(AtomicDirectoryError.isInstance(e)).toBe(true);
    expect((e as Error).message).toMatch(
      /with-fifo: pipe: expected files, folders and symbolic links to carry over, found a FIFO/,
    );
    expect(readFileSync(join(dir, 'weights.bin'), 'utf8')).toBe('weights 1');
    expect(siblings(dir)).toEqual([]);
  });
});

describe('updateDirectoryAtomically inside a writeDirectoryAtomically', () => {
  it('writes straight into the outer temporary directory: no second temporary sibling', async () => {
    const { writeDirectoryAtomically } = await import('../src/node.js');
    const dir = join(root, 'nested');
    let during: string[] = [];
    await writeDirectoryAtomically(dir, async (tmp) => {
      writeFileSync(join(tmp, 'weights.bin'), 'an older weights file written first');
      writeFileSync(join(tmp, 'checkpoint.json'), '{}');
      await save(tmp, 3);
      during = readdirSync(root).filter((n) => n.includes('nested'));
    });
    expect(during).toHaveLength(1); // only the outer temporary
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'config.json', 'weights.bin']);
    expect(readFileSync(join(dir, 'weights.bin'), 'utf8')).toBe('weights 3');
    expect(siblings(dir)).toEqual([]);
  });
});
