/**
 * Thread-count determinism and the memory pool of the CPU backend, on nanoGPT's baby GPT:
 * - 1, 2 and 3 threads give bit-identical losses and gradients (every reduction has a fixed
 *   partition; `minParallelWork: 0` splits even the small kernels, so every threaded path runs);
 * - once warm, a training step allocates no new memory (every storage comes from the pool);
 * - workers are started, used, and terminated by dispose();
 * - a kernel that traps in a worker raises a BackendError carrying the worker's own message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WasmArena } from '../src/cpu/arena.js';
import { ThreadPool } from '../src/cpu/threads/thread-pool.js';
import { PLAIN_KERNELS } from '../src/cpu/wasm/kernels.generated.js';
import { BackendError, type CpuBackend, createCpuBackend, tensor } from '../src/index.js';
import { BABY, BabyGpt, babyBatch } from './cpu-baby-gpt.js';

interface Run {
  losses: number[];
  grads: Map<string, Float32Array>;
}

async function train(backend: CpuBackend, steps: number): Promise<Run> {
  await backend.ready();
  const model = new BabyGpt(BABY, backend);
  const { ids, targets } = babyBatch(BABY, backend);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push(model.step(ids, targets));
  // gradients of the last step (AdamW has consumed them; they stay until the next zeroGrad)
  const grads = new Map<string, Float32Array>();
  for (const [name, p] of model.params) grads.set(name, p.grad!.dataSync() as Float32Array);
  model.dispose();
  ids.dispose();
  targets.dispose();
  return { losses, grads };
}

const backends: CpuBackend[] = [];
afterAll(() => {
  for (const b of backends) b.dispose();
});

describe('CPU backend threads', () => {
  // plain SIMD first: 'enable-flag' switches V8's relaxed-SIMD flag on for the rest of this process
  for (const [relaxedSimd, simd, counts] of [
    ['off', 'plain', [1, 2, 3]],
    ['enable-flag', 'relaxed', [1, 2]],
  ] as const) {
    it(`baby GPT: ${counts.join(', ')} threads give bit-identical losses and gradients (${simd} SIMD)`, async () => {
      const runs: Run[] = [];
      for (const threads of counts) {
        const backend = createCpuBackend({ threads, minParallelWork: 0, relaxedSimd });
        backends.push(backend);
        expect(backend.info()).toMatchObject({ arena: true, simd, threads });
        runs.push(await train(backend, 2));
        expect(backend.info().readyWorkers).toBe(threads - 1);
        const stats = backend.threadStats();
        if (threads === 1) expect(stats.jobs).toBe(0);
        else {
          // every kernel is cut into 2 pieces per thread; the calling thread runs some, not all, of them
          expect(stats.jobs).toBeGreaterThan(100);
          expect(stats.pieces).toBeGreaterThanOrEqual(stats.jobs * 2 * threads);
          expect(stats.piecesOnCaller).toBeLessThanOrEqual(stats.pieces);
        }
      }
      const [one, ...others] = runs as [Run, ...Run[]];
      expect(one.losses[0]).toBeGreaterThan(3.5); // ≈ ln 65 = 4.17 at initialisation
      expect(one.losses[1]).toBeLessThan(one.losses[0]!);
      for (const other of others) {
        expect(other.losses).toEqual(one.losses);
        for (const [name, g] of one.grads) {
          const h = other.grads.get(name)!;
          expect(new Uint32Array(h.buffer, h.byteOffset, h.length)).toEqual(
            new Uint32Array(g.buffer, g.byteOffset, g.length),
          );
        }
      }
    });
  }

  it('a whole-tensor sumSquares (fixed blocks of 4096) gives the same bits on 1, 2 and 3 threads', async () => {
    const n = 4096 * 9 + 1234;
    const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
    let exact = 0;
    for (const v of values) exact += v * v;
    const bits: number[] = [];
    for (const threads of [1, 2, 3]) {
      const b = createCpuBackend({ threads, minParallelWork: 0 });
      backends.push(b);
      await b.ready();
      const y = tensor(values, [n], 'f32', b).sumSquares();
      bits.push(new Uint32Array(new Float32Array([y.itemSync()]).buffer)[0]!);
      expect(Math.abs(y.itemSync() - exact) / exact).toBeLessThan(1e-6);
    }
    expect(new Set(bits).size).toBe(1);
  });

  it('once warm, a training step allocates no new memory', async () => {
    const backend = createCpuBackend({ threads: 2 });
    backends.push(backend);
    await backend.ready();
    const model = new BabyGpt(BABY, backend);
    const { ids, targets } = babyBatch(BABY, backend);
    for (let s = 0; s < 3; s++) model.step(ids, targets);
    const warm = backend.poolStats();
    for (let s = 0; s < 4; s++) model.step(ids, targets);
    const later = backend.poolStats();
    expect(later.allocations).toBeGreaterThan(warm.allocations + 400); // hundreds of storages per step
    expect(later.allocations - later.reused).toBe(warm.allocations - warm.reused); // all reused
    expect(later.arenaBytes).toBe(warm.arenaBytes);
    expect(later.liveBytes).toBe(warm.liveBytes);
    expect(later.liveOutsideArena).toBe(0);
    model.dispose();
  });

  it('dispose() terminates the workers; a disposed backend refuses work', async () => {
    const backend = createCpuBackend({ threads: 2 });
    await backend.ready();
    expect(backend.info().readyWorkers).toBe(1);
    backend.dispose();
    expect(() => backend.allocate('f32', 4)).toThrow(/disposed/);
  });

  it('threads: 1 starts no worker; wasm: false runs the TypeScript kernels only', async () => {
    const one = createCpuBackend({ threads: 1 });
    await one.ready();
    expect(one.info().readyWorkers).toBe(0);
    const ts = createCpuBackend({ wasm: false });
    expect(ts.info()).toMatchObject({ simd: 'none', arena: false, threads: 1 });
    one.dispose();
    ts.dispose();
  });

  it("a kernel that traps in a worker raises a BackendError with the worker's message", async () => {
    const module = new WebAssembly.Module(Buffer.from(PLAIN_KERNELS, 'base64'));
    const names = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    const arena = WasmArena.create()!;
    // The calling thread's kernels are slow no-ops, the worker's are the real ones: only a worker
    // can trap, on pointers far past the memory's end.
    const slowNoop = () => {
      const until = performance.now() + 0.3;
      while (performance.now() < until);
    };
    const pool = new ThreadPool(
      module,
      arena.memory,
      names.map(() => slowNoop),
      names,
      {
        threads: 2,
        slotSetter: 'set_thread_slot',
      },
    );
    const far = 0x7ff00000;
    const entry = {
      fn: names.indexOf('cross_entropy_backward'),
      args: [far, far, 0, far, far, far, 64, 1024, -100],
      parts: 64,
    };
    pool.start();
    for (let i = 0; i < 500 && pool.readyWorkers < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(pool.readyWorkers).toBe(1);
    let caught: unknown;
    try {
      pool.run([entry]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BackendError);
    expect(String(caught)).toMatch(
      /cross_entropy_backward: .*a trap in a worker \(worker 1: RuntimeError: memory access out of bounds\)/,
    );
    // the pool stays usable (zero rows: nothing to touch), and the text is not reported twice
    expect(() => pool.run([{ ...entry, args: [far, far, 0, far, far, far, 0, 1024, -100] }])).not.toThrow();
    pool.dispose();
  });
});
