/**
 * savePretrained killed at many moments: a child process saves versions of one checkpoint directory
 * in a loop (helpers/save-pretrained-child.ts; the vocabulary size alternates, so new weights with
 * an old config.json cannot load) and is SIGKILLed after a varying delay. After every kill, the
 * directory (recovered as a reader would, with recoverDirectory) loads, holds the last version the
 * child reported saved or the next one, and still holds the tokenizer.json put beside it; after the
 * next save nothing the dead writers left remains, inside or beside the directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { recoverDirectory } from '@llmforge/tensor-gpu/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../tensor-gpu/test/helpers/bundle-script.js';
import { fromPretrained, savePretrained } from '../src/node.js';
import { modelOf, versionOf } from './helpers/save-pretrained-child.js';

const KILLS = 40;
const root = mkdtempSync(join(tmpdir(), 'llmforge-pretrained-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const backend = createCpuBackend();
const TOKENIZER = '{"model": {"type": "BPE"}, "note": "written by the user beside the checkpoint"}';

let script = '';
beforeAll(async () => {
  script = await bundleScript(fileURLToPath(new URL('./helpers/save-pretrained-child.ts', import.meta.url)));
}, 120_000);

/** Starts the child, waits until it is ready, kills it `delay` ms later; returns the versions it saved. */
async function runAndKill(dir: string, start: number, delay: number): Promise<number[]> {
  const child: ChildProcess = spawn(process.execPath, [script, dir, String(start)], {
    env: { ...process.env, SAVE_CHILD: '1' },
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
  await new Promise((r) => setTimeout(r, delay));
  child.kill('SIGKILL');
  await exited;
  return [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
}

describe('savePretrained under SIGKILL', () => {
  it(`${KILLS} kills: the checkpoint always loads, as the last saved version or the next, the tokenizer kept`, async () => {
    const dir = join(root, 'ckpt');
    await savePretrained(modelOf(0, backend), dir);
    writeFileSync(join(dir, 'tokenizer.json'), TOKENIZER);
    let acked = 0;
    const outcomes = { old: 0, new: 0, leftovers: 0 };
    let seed = 2026;
    const savesPerRun: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const saved = await runAndKill(dir, acked + 1, 5 + (seed % 600));
      savesPerRun.push(saved.length);
      if (saved.length > 0) acked = saved.at(-1)!;
      if (readdirSync(root).length > 1) outcomes.leftovers++;
      await recoverDirectory(dir);
      const model = await fromPretrained(dir, { backend }); // throws on a torn directory
      const version = await versionOf(model);
      expect([acked, acked + 1]).toContain(version);
      outcomes[version === acked ? 'old' : 'new']++;
      acked = version;
      expect(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).toBe(TOKENIZER);
      expect(readdirSync(root)).toEqual(['ckpt']);
    }
    console.log(
      `savePretrained kill test: ${KILLS} kills, ${outcomes.old} left the last saved version, ${outcomes.new} the next one, ${outcomes.leftovers} left temporaries that recovery removed; saves completed per run: ${savesPerRun.join(',')}`,
    );
    // some kills landed inside a save (temporaries left, or the new version in place but not yet
    // reported); which exact moments is up to the scheduler, so only their sum is asserted
    expect(outcomes.leftovers + outcomes.new).toBeGreaterThan(0);
    await savePretrained(modelOf(acked + 1, backend), dir);
    expect(await versionOf(await fromPretrained(dir, { backend }))).toBe(acked + 1);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect(readdirSync(dirname(dir))).toEqual(['ckpt']);
  }, 240_000);
});
