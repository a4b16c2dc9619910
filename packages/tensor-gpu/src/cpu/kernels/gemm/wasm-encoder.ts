/**
 * A tiny WebAssembly binary encoder: just enough to emit one module with imported memory and a few
 * exported functions, built from the instructions the SIMD GEMM kernel needs. No text format, no
 * toolchain: the bytes are produced at run time (there is no `.wat` compiler in this build).
 *
 * A module is a magic number, a version and a list of sections, each `id, byte length, contents`.
 * Numbers are LEB128: 7 bits per byte, high bit set on every byte but the last.
 *
 * ```text
 * uleb(624485) = e5 8e 26        (624485 = 0b100110_0001110_1100101)
 * sleb(-1)     = 7f
 * ```
 */

/** Unsigned LEB128 bytes of `n`. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 bytes of a 32-bit integer `n`. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/**
 * Instruction bytes. Plain opcodes are numbers; SIMD ones are the 0xfd prefix plus a LEB opcode.
 * `memarg(align, offset)`: align is log2 of the access size.
 */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  return: [0x0f],
  /** `select`: pops c, b, a and pushes `c ? a : b`. */
  select: [0x1b],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  i32Eqz: [0x45],
  i32Ne: [0x47],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  v128Load: (offset = 0) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128Load32Splat: (offset = 0) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1f), lane],
  f32Add: [0x92],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
} as const;

/** One function of a module: its signature, extra locals (by type) and body instructions. */
export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  /** Types of the locals after the parameters, one entry per local. */
  locals: number[];
  /** Body as a flat list of instruction bytes (without the final `end`). */
  body: number[];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, contents: number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * Module bytes: memory imported as `env.mem` (`minPages` 64 KiB pages), every function exported by
 * its name.
 *
 * @example
 * ```ts
 * const bytes = encodeModule([{ name: 'add', params: [I32, I32], results: [I32], locals: [],
 *   body: [...op.get(0), ...op.get(1), ...op.i32Add] }], 1);
 * const mem = new WebAssembly.Memory({ initial: 1 });
 * const { instance } = await WebAssembly.instantiate(bytes, { env: { mem } });
 * (instance.exports.add as (a: number, b: number) => number)(2, 3); // 5
 * ```
 */
export function encodeModule(functions: WasmFunction[], minPages: number): Uint8Array<ArrayBuffer> {
  const types = vec(
    functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]),
  );
  const imports = vec([[...name('env'), ...name('mem'), 0x02, 0x00, ...uleb(minPages)]]);
  const funcs = vec(functions.map((_, i) => uleb(i)));
  const exports = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const code = vec(
    functions.map((f) => {
      // Locals are declared as runs of (count, type).
      const runs: number[][] = [];
      for (let i = 0; i < f.locals.length; ) {
        let j = i;
        while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
        runs.push([...uleb(j - i), f.locals[i]!]);
        i = j;
      }
      const body = [...vec(runs), ...f.body, ...op.end];
      return [...uleb(body.length), ...body];
    }),
  );
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
