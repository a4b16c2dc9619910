import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presets, resolveConfig } from '../src/config.js';
import { countParams, flopsPerToken, mfu } from '../src/flops.js';
import { fromHfConfig } from '../src/hf-config.js';

/** Sum of element counts in a safetensors header (the reference: what HF saved). */
function storedParams(name: string): number {
  const bytes = readFileSync(new URL(`../../../fixtures/${name}/model.safetensors`, import.meta.url));
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { shape?: number[] }
  >;
  let total = 0;
  for (const [k, v] of Object.entries(header)) {
    if (k !== '__metadata__') total += (v.shape ?? []).reduce((a, b) => a * b, 1);
  }
  return total;
}

describe('countParams', () => {
  it('matches the published sizes of GPT-2 and SmolLM-135M', () => {
    expect(countParams(presets.gpt2)).toBe(124_439_808); // HF gpt2 num_parameters()
    expect(countParams(presets['gpt2-medium'])).toBe(354_823_168); // HF gpt2-medium
    expect(countParams(presets['llama-small'])).toBe(134_515_008); // HF SmolLM-135M
  });

  it('matches the tensors HF saved for the fixtures', () => {
    for (const name of ['gpt2-tiny', 'llama-tiny']) {
      const json = JSON.parse(
        readFileSync(new URL(`../../../fixtures/${name}/config.json`, import.meta.url), 'utf8'),
      );
      expect(countParams(fromHfConfig(json).config)).toBe(storedParams(name));
    }
  });
});

describe('flopsPerToken', () => {
  it('is 6N + 12·L·nh·hs·T, checked by hand for GPT-2 124M', () => {
    // N = 12·(768·2304 + 768·768 + 2·768·3072) + 50257·768 = 123,532,032 (matmul weights only)
    const N = 12 * (768 * 2304 + 768 * 768 + 2 * 768 * 3072) + 50257 * 768;
    expect(N).toBe(123_532_032);
    expect(flopsPerToken(presets.gpt2)).toBe(6 * N + 12 * 12 * 768 * 1024);
    expect(flopsPerToken(presets.gpt2, 256)).toBe(6 * N + 12 * 12 * 768 * 256);
  });

  it('counts GQA key/value projections at their reduced width', () => {
    const c = resolveConfig(presets['llama-small']);
    // per layer: q 576², k and v 576·192 each, o 576², SwiGLU 3·576·1536
    const perLayer = 576 * 576 * 2 + 2 * 576 * 192 + 3 * 576 * 1536;
    expect(flopsPerToken(c, 1)).toBe(6 * (30 * perLayer + 49152 * 576) + 12 * 30 * 9 * 64 * 1);
  });

  it('gives MFU as achieved over peak FLOP/s', () => {
    expect(mfu(1000, presets.gpt2, flopsPerToken(presets.gpt2) * 1000)).toBeCloseTo(1, 12);
    expect(mfu(47_000, presets.gpt2, 66.9e12)).toBeCloseTo((47_000 * 854_438_400) / 66.9e12, 12);
  });
});
