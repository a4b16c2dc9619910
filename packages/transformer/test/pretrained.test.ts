import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { loadSafetensors, saveSafetensors } from '@llmforge/tensor-gpu/node';
import { afterAll, describe, expect, it } from 'vitest';
import { presets } from '../src/config.js';
import { CheckpointError } from '../src/errors.js';
import { createModel } from '../src/model.js';
import { encodePretrained, fromPretrained as fromSource } from '../src/pretrained.js';
import { fromPretrained, savePretrained } from '../src/pretrained-node.js';
import {
  expectClose,
  type FixtureName,
  fixtureDir,
  loadFixture,
  readSafetensors,
  rows,
} from './helpers/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'llmforge-transformer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function checkpointError(p: Promise<unknown>): Promise<CheckpointError> {
  try {
    await p;
  } catch (e) {
    if (CheckpointError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a CheckpointError');
}

describe('fromPretrained / savePretrained', () => {
  for (const name of ['gpt2-tiny', 'llama-tiny'] as FixtureName[]) {
    it(`loads the HF ${name} checkpoint and saves the same file, byte for byte`, async () => {
      const f = loadFixture(name);
      const backend = createCpuBackend();
      const model = await fromPretrained(fixtureDir(name), { backend });
      expect(model.training).toBe(false);
      const { loss } = model.forward(rows(f, 'input_ids'), { labels: rows(f, 'labels') });
      expectClose([loss!.itemSync()], f.expected.get('loss')!.data, 1e-4, 1e-5, 'loss');

      const out = join(tmp, name);
      await savePretrained(model, out);
      // the same tensors, names, shapes and bytes as the file transformers wrote
      const original = readSafetensors(join(fixtureDir(name), 'model.safetensors'));
      const saved = readSafetensors(join(out, 'model.safetensors'));
      expect([...saved.keys()].sort()).toEqual([...original.keys()].sort());
      for (const [k, t] of original) {
        expect(saved.get(k)!.shape, k).toEqual(t.shape);
        expect(Buffer.from(saved.get(k)!.data.buffer).equals(Buffer.from(t.data.buffer)), k).toBe(true);
      }
      expect((await loadSafetensors(join(out, 'model.safetensors'))).metadata).toEqual({ format: 'pt' });
      // and the whole file: header (names sorted as the safetensors library writes them) and data
      expect(
        readFileSync(join(out, 'model.safetensors')).equals(
          readFileSync(join(fixtureDir(name), 'model.safetensors')),
        ),
      ).toBe(true);
      // config.json keeps every field transformers needs to rebuild the same model
      const before = JSON.parse(readFileSync(join(fixtureDir(name), 'config.json'), 'utf8'));
      const after = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
      const keys =
        name === 'gpt2-tiny'
          ? [
              'model_type',
              'vocab_size',
              'n_positions',
              'n_embd',
              'n_layer',
              'n_head',
              'activation_function',
              'layer_norm_epsilon',
              'tie_word_embeddings',
            ]
          : [
              'model_type',
              'vocab_size',
              'max_position_embeddings',
              'hidden_size',
              'intermediate_size',
              'num_hidden_layers',
              'num_attention_heads',
              'num_key_value_heads',
              'head_dim',
              'rms_norm_eps',
              'tie_word_embeddings',
              'attention_bias',
              'mlp_bias',
              'hidden_act',
            ];
      for (const k of keys) expect(after[k], k).toEqual(before[k]);
      expect(after.architectures).toEqual(before.architectures);

      const again = await fromPretrained(out, { backend });
      const a = new Map(model.namedParameters());
      for (const [k, p] of again.namedParameters())
        expect(Array.from(p.dataSync()), k).toEqual(Array.from(a.get(k)!.dataSync()));
      backend.dispose();
    });
  }

  it('saves a freshly created Llama-style model and loads it back identically', async () => {
    const backend = createCpuBackend();
    const model = createModel({ ...presets['tiny-llama'], nLayer: 1, vocabSize: 64 }, { backend, seed: 9 });
    const out = join(tmp, 'fresh');
    await savePretrained(model, out);
    const back = await fromPretrained(out, { backend });
    expect(back.config).toEqual(model.config);
    const ids = [[1, 2, 3, 4, 5]];
    expect(Array.from(back.forward(ids).logits!.dataSync())).toEqual(
      Array.from(model.forward(ids).logits!.dataSync()),
    );
  });

  it('reads a checkpoint sharded with model.safetensors.index.json', async () => {
    const f = loadFixture('llama-tiny');
    const dir = join(tmp, 'sharded');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), readFileSync(join(fixtureDir('llama-tiny'), 'config.json')));
    const names = [...f.weights.keys()];
    const shards = [names.slice(0, 9), names.slice(9)];
    const weightMap: Record<string, string> = {};
    for (const [i, part] of shards.entries()) {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      const tensors = new Map(part.map((n) => [n, { dtype: 'F32' as const, ...f.weights.get(n)! }]));
      await saveSafetensors(join(dir, file), tensors, { format: 'pt' });
      for (const n of part) weightMap[n] = file;
    }
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: weightMap }),
    );
    const model = await fromPretrained(dir, { backend: createCpuBackend() });
    const { loss } = model.forward(rows(f, 'input_ids'), { labels: rows(f, 'labels') });
    expectClose([loss!.itemSync()], f.expected.get('loss')!.data, 1e-4, 1e-5, 'loss');
  });

  it('names what is wrong with a checkpoint', async () => {
    const backend = createCpuBackend();
    const missingDir = await checkpointError(fromPretrained(join(tmp, 'nope'), { backend }));
    expect(missingDir.file).toBe(join(tmp, 'nope'));
    expect(missingDir.found).toBe('ENOENT (no such file or directory)');

    const other = join(tmp, 'mistral');
    await savePretrained(await fromPretrained(fixtureDir('llama-tiny'), { backend }), other);
    const cfg = JSON.parse(readFileSync(join(other, 'config.json'), 'utf8'));
    writeFileSync(join(other, 'config.json'), JSON.stringify({ ...cfg, model_type: 'mistral' }));
    expect((await checkpointError(fromPretrained(other, { backend }))).where).toBe('model_type');

    const partial = join(tmp, 'partial');
    await savePretrained(await fromPretrained(fixtureDir('gpt2-tiny'), { backend }), partial);
    const weights = await loadSafetensors(join(partial, 'model.safetensors'));
    weights.delete('transformer.h.1.mlp.c_fc.weight');
    await saveSafetensors(
      join(partial, 'model.safetensors'),
      new Map(
        [...weights].map(([k, t]) => [
          k,
          { dtype: 'F32' as const, shape: t.shape, data: t.data as Float32Array },
        ]),
      ),
    );
    const e = await checkpointError(fromPretrained(partial, { backend }));
    expect(e.where).toBe('transformer.h.1.mlp.c_fc.weight');
    expect(e.message).toContain('(48, 192)');

    const sinusoidal = createModel(
      { ...presets['tiny-gpt'], positions: 'sinusoidal', nLayer: 1 },
      { backend },
    );
    expect((await checkpointError(savePretrained(sinusoidal, join(tmp, 'sin')))).message).toMatch(
      /sinusoidal/,
    );
  });
});

describe('fromPretrained / encodePretrained without a file system (what a browser has)', () => {
  const dir = fixtureDir('gpt2-tiny');
  const bytesOf = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

  async function lossOf(model: Awaited<ReturnType<typeof fromSource>>): Promise<number> {
    const f = loadFixture('gpt2-tiny');
    const { loss } = model.forward(rows(f, 'input_ids'), { labels: rows(f, 'labels') });
    return loss!.itemSync();
  }

  it('loads from Files (a file picker), a Map of bytes, an object of Responses: the fixture loss each time', async () => {
    const backend = createCpuBackend();
    const f = loadFixture('gpt2-tiny');
    const names = ['config.json', 'model.safetensors'];
    const sources = [
      names.map((n) => new File([bytesOf(n)], n)),
      new Map(names.map((n) => [n, bytesOf(n)])),
      Object.fromEntries(names.map((n) => [n, new Response(bytesOf(n))])),
    ];
    for (const source of sources) {
      const model = await fromSource(source, { backend });
      expectClose([await lossOf(model)], f.expected.get('loss')!.data, 1e-4, 1e-5, 'loss');
    }
    backend.dispose();
  });

  it('loads from a URL, fetching config.json and model.safetensors (a 404 is a missing file)', async () => {
    const server = createServer((req, res) => {
      const path = join(
        dir,
        decodeURIComponent(new URL(req.url!, 'http://x').pathname.replace(/^\/tiny\//, '')),
      );
      if (!req.url!.startsWith('/tiny/') || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(readFileSync(path));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const backend = createCpuBackend();
      const model = await fromSource(new URL(`http://127.0.0.1:${port}/tiny`), { backend });
      expect(model.config.nLayer).toBe(2);
      const missing = await checkpointError(
        fromSource(new URL(`http://127.0.0.1:${port}/none/`), { backend }),
      );
      expect(missing.file).toBe(`http://127.0.0.1:${port}/none/config.json`);
      backend.dispose();
    } finally {
      server.close();
    }
  });

  it('encodePretrained gives the bytes savePretrained writes, and they load back', async () => {
    const backend = createCpuBackend();
    const model = await fromSource(
      { 'config.json': bytesOf('config.json'), 'model.safetensors': bytesOf('model.safetensors') },
      { backend },
    );
    const files = await encodePretrained(model);
    expect([...files.keys()]).toEqual(['config.json', 'model.safetensors']);
    // byte-identical to the file transformers wrote, as savePretrained's is
    expect(
      Buffer.from(files.get('model.safetensors')!).equals(readFileSync(join(dir, 'model.safetensors'))),
    ).toBe(true);
    const out = join(tmp, 'encoded');
    await savePretrained(model, out);
    expect(Buffer.from(files.get('config.json')!).equals(readFileSync(join(out, 'config.json')))).toBe(true);
    const back = await fromSource(files, { backend });
    expect(await lossOf(back)).toBe(await lossOf(model));
    backend.dispose();
  });

  it('names what is missing, and points a path at the Node entry', async () => {
    const noWeights = await checkpointError(fromSource([new File([bytesOf('config.json')], 'config.json')]));
    expect(noWeights.message).toMatch(/model\.safetensors or model\.safetensors\.index\.json/);
    const path = await checkpointError(fromSource(dir as never));
    expect(path.hint).toContain("import { fromPretrained } from '@llmforge/transformer/node'");
  });
});
