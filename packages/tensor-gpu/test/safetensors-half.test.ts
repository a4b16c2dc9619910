import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  bf16BitsToF32,
  decodeBf16,
  decodeF16,
  decodeSafetensors,
  encodeBf16,
  encodeF16,
  encodeSafetensors,
  f32ToBf16Bits,
} from '../src/index.js';

/** All 65,536 16-bit patterns. */
const ALL = Uint16Array.from({ length: 65536 }, (_, i) => i);

/** tfjs's own float16 weight decoder (tf.io.decodeWeights with float16 quantization): a peer reference. */
function tfjsDecodeF16(bits: Uint16Array): Float32Array {
  const buf = bits.slice().buffer;
  const out = tf.io.decodeWeights(buf, [
    { name: 'h', shape: [bits.length], dtype: 'float32', quantization: { dtype: 'float16' } },
  ]);
  const t = out.h!;
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return data;
}

const isNaN16 = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** Deterministic float32 test values spread over every binade of interest (xorshift). */
function sampleF32(n: number, lowExp: number, highExp: number): Float32Array {
  const out = new Float32Array(n);
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const e = lowExp + Math.floor(next() * (highExp - lowExp));
    out[i] = (next() < 0.5 ? -1 : 1) * (1 + next()) * 2 ** e;
  }
  return out;
}

describe('f16 conversions', () => {
  it('decoding every f16 pattern matches tfjs (bit-exact, NaN for NaN)', () => {
    const ours = decodeF16(ALL);
    const theirs = tfjsDecodeF16(ALL);
    let mismatches = 0;
    for (let h = 0; h < 65536; h++) {
      if (isNaN16(h)) {
        if (!Number.isNaN(ours[h]!)) mismatches++;
      } else if (!Object.is(ours[h], theirs[h])) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(ours[0x3c00]).toBe(1);
    expect(ours[0x7bff]).toBe(65504);
    expect(ours[0x0001]).toBe(2 ** -24);
    expect(ours[0x3555]).toBe(0.333251953125);
  });

  it('f16 → f32 → f16 is the identity on every non-NaN pattern', () => {
    const back = encodeF16(decodeF16(ALL));
    for (let h = 0; h < 65536; h++) {
      if (isNaN16(h)) expect(isNaN16(back[h]!)).toBe(true);
      else if (back[h] !== h)
        expect.fail(`pattern 0x${h.toString(16)} came back as 0x${back[h]!.toString(16)}`);
    }
  });

  it('f32 → f16 rounds to the nearest value, ties to even (checked against tfjs-decoded neighbours)', () => {
    const xs = sampleF32(20000, -27, 17); // subnormals, normals and overflow
    const bits = encodeF16(xs);
    const table = tfjsDecodeF16(ALL);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const h = bits[i]!;
      const got = table[h]!;
      const mag = h & 0x7fff;
      const sign = h & 0x8000;
      // The chosen value and its neighbours in magnitude; none may be strictly closer.
      const down = mag > 0 ? table[sign | (mag - 1)]! : got;
      const up = mag < 0x7c00 ? table[sign | (mag + 1)]! : got;
      const err = Math.abs(x - got);
      if (Number.isFinite(got)) {
        if (err > Math.abs(x - down) || (Number.isFinite(up) && err > Math.abs(x - up))) {
          expect.fail(`${x} rounded to 0x${h.toString(16)} (${got}), but ${down} or ${up} is closer`);
        }
      } else if (Math.abs(x) < 65520) {
        // Overflow: only values at or above 65520 (the midpoint between 65504 and 2^16) become Infinity.
        expect.fail(`${x} overflowed to Infinity`);
      }
    }
    // Ties: halfway between 1 and 1 + 2^-10 goes to even 1; halfway between 1 + 2^-10 and 1 + 2^-9 goes up.
    expect([...encodeF16([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 65519, 2 ** -25, 3 * 2 ** -25])]).toEqual([
      0x3c00, 0x3c02, 0x7c00, 0x7bff, 0x0000, 0x0002,
    ]);
    expect(encodeF16([1 / 3])[0]).toBe(0x3555);
    expect(encodeF16([Number.NaN])[0]! & 0x7c00).toBe(0x7c00);
  });
});

describe('bf16 conversions', () => {
  it('decoding puts the pattern in the top half of a float32', () => {
    const ours = decodeBf16(ALL);
    const widened = new Float32Array(new Uint32Array(ALL).map((h) => h << 16).buffer);
    let mismatches = 0;
    for (let h = 0; h < 65536; h++) {
      const nan = Number.isNaN(widened[h]!);
      if (nan ? !Number.isNaN(ours[h]!) : !Object.is(ours[h], widened[h])) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(bf16BitsToF32(0x3eab)).toBe(0.333984375);
  });

  it('f32 → bf16 rounds to nearest even, array and scalar paths agree', () => {
    const xs = sampleF32(20000, -140, 128);
    const bits = encodeBf16(xs);
    const viaScalar = Array.from(xs, (x) => f32ToBf16Bits(x));
    expect([...bits]).toEqual(viaScalar);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const h = bits[i]!;
      const got = bf16BitsToF32(h);
      if (!Number.isFinite(got)) continue;
      const mag = h & 0x7fff;
      const down = mag > 0 ? bf16BitsToF32((h & 0x8000) | (mag - 1)) : got;
      const up = bf16BitsToF32((h & 0x8000) | (mag + 1));
      if (Math.abs(x - got) > Math.abs(x - down) || Math.abs(x - got) > Math.abs(x - up)) {
        expect.fail(`${x} rounded to 0x${h.toString(16)} (${got}), but ${down} or ${up} is closer`);
      }
    }
    // Ties to even: 1 + 2^-8 is halfway between 1 and 1 + 2^-7 → 1; 1 + 3·2^-8 → 1 + 2^-6.
    expect([...encodeBf16(new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 / 3]))]).toEqual([
      0x3f80, 0x3f82, 0x3eab,
    ]);
    expect(Number.isNaN(bf16BitsToF32(encodeBf16(new Float32Array([Number.NaN]))[0]!))).toBe(true);
  });

  it('a BF16 safetensors round trip of bf16-representable values is exact', () => {
    const values = decodeBf16(Uint16Array.from({ length: 4096 }, (_, i) => (i * 37) & 0x7f7f));
    const m = decodeSafetensors(encodeSafetensors({ w: { dtype: 'BF16', shape: [64, 64], data: values } }));
    expect(m.get('w')!.data).toEqual(values);
  });
});
