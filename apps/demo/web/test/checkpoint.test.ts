import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { CheckpointError } from '@llmforge/transformer';
import { fromPretrained, savePretrained } from '@llmforge/transformer/node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkPair,
  modelFromBytes,
  modelToBytes,
  tokenizerFromText,
  tokenizerToText,
} from '../src/engine/checkpoint.js';
import { findCheckpoints, type NamedFile, readCheckpoint } from '../src/engine/checkpoint-files.js';
import { CheckpointFilesError } from '../src/errors.js';
import { checkpointBytes, FIXTURES, maxAbsDiff } from './helpers.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

const ids = [[17, 4, 61, 33, 8, 90, 2, 5]];

describe.each(['gpt2-tiny', 'llama-tiny'])('checkpoint bytes of %s', (name) => {
  it('load into the model fromPretrained loads (same logits)', async () => {
    const dir = `${FIXTURES}/${name}`;
    const { config, weights } = await checkpointBytes(dir, `${FIXTURES}/hf-bytelevel-bpe.tokenizer.json`);
    const ours = await modelFromBytes(config, weights, backend);
    const reference = await fromPretrained(dir, { backend });
    const a = await ours.forward(ids).logits!.data();
    const b = await reference.forward(ids).logits!.data();
    expect(maxAbsDiff(a, b)).toBe(0);
    ours.dispose();
    reference.dispose();
  });

  it('are written as savePretrained writes them, and load back in Node', async () => {
    const model = await fromPretrained(`${FIXTURES}/${name}`, { backend });
    const out = await mkdtemp(join(tmpdir(), 'page-ckpt-'));
    try {
      const { config, weights } = await modelToBytes(model);
      await savePretrained(model, join(out, 'reference'));
      expect(Buffer.from(weights).equals(await readFile(join(out, 'reference', 'model.safetensors')))).toBe(
        true,
      );
      expect(JSON.parse(config)).toEqual(
        JSON.parse(await readFile(join(out, 'reference', 'config.json'), 'utf8')),
      );
      await writeFile(join(out, 'config.json'), config);
      await writeFile(join(out, 'model.safetensors'), weights);
      const again = await fromPretrained(out, { backend });
      expect(
        maxAbsDiff(await again.forward(ids).logits!.data(), await model.forward(ids).logits!.data()),
      ).toBe(0);
      again.dispose();
    } finally {
      await rm(out, { recursive: true, force: true });
      model.dispose();
    }
  });
});

describe('tokenizer text', () => {
  it('round-trips tokenizer.json and checks the pair', async () => {
    const text = await readFile(`${FIXTURES}/hf-bytelevel-bpe.tokenizer.json`, 'utf8');
    const t = tokenizerFromText(text);
    const again = tokenizerFromText(tokenizerToText(t));
    expect(again.encode('It is a truth universally acknowledged')).toEqual(
      t.encode('It is a truth universally acknowledged'),
    );
    expect(() => checkPair(t, t.vocabSize)).not.toThrow();
    expect(() => checkPair(t, 10)).toThrow(/tokenizer.json: expected at most 10 ids/);
  });

  it('rejects a file that is not JSON with a typed error naming it', async () => {
    expect(() => tokenizerFromText('{oops')).toThrow(CheckpointFilesError);
    await expect(modelFromBytes('[1]', new Uint8Array(8))).rejects.toThrow(CheckpointError);
    await expect(modelFromBytes('[1]', new Uint8Array(8))).rejects.toThrow(/config\.json/);
  });
});

const file = (path: string, text = path): NamedFile => ({ path, file: new Blob([text]) });

describe('findCheckpoints', () => {
  it('finds the model of a demo run directory and the tokenizer above it', () => {
    const found = findCheckpoints([
      file('run/tokenizer.json'),
      file('run/model/config.json'),
      file('run/model/model.safetensors'),
      file('run/metrics.jsonl'),
    ]);
    expect(found.map((c) => [c.dir, c.tokenizer.path])).toEqual([['run/model', 'run/tokenizer.json']]);
  });

  it('finds several checkpoints, each with its nearest tokenizer', () => {
    const found = findCheckpoints([
      file('run/tokenizer.json'),
      file('run/pretrain/config.json'),
      file('run/pretrain/model.safetensors'),
      file('run/sft/config.json'),
      file('run/sft/model.safetensors'),
      file('run/sft/tokenizer.json'),
    ]);
    expect(found.map((c) => [c.dir, c.tokenizer.path])).toEqual([
      ['run/pretrain', 'run/tokenizer.json'],
      ['run/sft', 'run/sft/tokenizer.json'],
    ]);
  });

  it('takes three files picked alone, and reads them', async () => {
    const [c] = findCheckpoints([
      file('config.json', '{}'),
      file('model.safetensors', 'xx'),
      file('tokenizer.json', '{"a":1}'),
    ]);
    const bytes = await readCheckpoint(c!);
    expect(bytes.config).toBe('{}');
    expect(Array.from(bytes.weights)).toEqual([120, 120]);
    expect(bytes.tokenizer).toBe('{"a":1}');
  });

  it('says which files are missing', () => {
    expect(() => findCheckpoints([file('config.json'), file('tokenizer.json')])).toThrow(
      /expected config.json and model.safetensors in one folder.*found no model.safetensors among 2 file\(s\)/,
    );
    expect(() => findCheckpoints([])).toThrow(CheckpointFilesError);
  });
});
