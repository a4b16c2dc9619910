/**
 * What runs inside Chromium: the packages' main entries, bundled for the browser by esbuild, checked
 * against the repository's references (PyTorch/HF fixtures served from `/fixtures/`). The page
 * publishes one result per check on `globalThis.llmforgeResults`; `test/chromium.test.ts` turns each
 * into a vitest test. No check reads a file system: everything arrives through `fetch`.
 */
import {
  type Backend,
  createCpuBackend,
  createWebGPUBackend,
  loadSafetensors,
  matmul,
  noGrad,
  requestDevice,
  tensor,
} from '@llmforge/tensor-gpu';
import { loadTokenizer } from '@llmforge/tokenizer';
import { encodePretrained, fromPretrained } from '@llmforge/transformer';
import { conformanceCases } from '../../packages/tensor-gpu/test/conformance/cases.js';
import {
  runCase,
  WEBGPU_TOL_SCALE,
  webgpuExclusions,
} from '../../packages/tensor-gpu/test/conformance/run-case.js';

/** One check's outcome: passed, failed (with why), or skipped (with why). */
export interface CheckResult {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

/** The worst |a − b| − rel·|b| over the elements, and where (≤ abs means every element is close). */
function worstExcess(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number): [number, number] {
  if (actual.length !== expected.length) return [Number.POSITIVE_INFINITY, -1];
  let worst = Number.NEGATIVE_INFINITY;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - rel * Math.abs(expected[i]!);
    if (!(excess <= worst) || Number.isNaN(excess)) {
      worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      at = i;
    }
  }
  return [worst, at];
}

function close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  abs: number,
  what: string,
) {
  const [worst, at] = worstExcess(actual, expected, rel);
  if (!(worst <= abs)) {
    throw new Error(
      `${what}: element ${at} is ${actual[at]}, expected ${expected[at]} (rel ${rel}, abs ${abs}; lengths ${actual.length}/${expected.length})`,
    );
  }
}

async function fixtureTensors(path: string) {
  return loadSafetensors(await fetch(path));
}

/** The fixture model's logits and loss on `backend` equal PyTorch's (the Node suite's tolerances). */
async function checkModel(name: 'gpt2-tiny' | 'llama-tiny', backend: Backend): Promise<string> {
  const model = await fromPretrained(new URL(`/fixtures/${name}/`, location.href), { backend });
  const expected = await fixtureTensors(`/fixtures/${name}/expected.safetensors`);
  const ids = expected.get('input_ids')!;
  const labels = expected.get('labels')!;
  const logitsRef = expected.get('logits')!;
  const lossRef = expected.get('loss')!;
  const { logits, loss } = noGrad(() =>
    model.forward(tensor(ids.data as Int32Array, ids.shape, 'i32', backend), {
      labels: tensor(labels.data as Int32Array, labels.shape, 'i32', backend),
    }),
  );
  const got = await logits!.data();
  close(got, logitsRef.data as Float32Array, 1e-4, 1e-5, `${name} logits`);
  const l = await loss!.item();
  close([l], lossRef.data as Float32Array, 1e-4, 1e-5, `${name} loss`);
  // the checkpoint written in memory loads back to the same logits
  const copy = await fromPretrained(await encodePretrained(model), { backend });
  const again = await noGrad(() =>
    copy.forward(tensor(ids.data as Int32Array, ids.shape, 'i32', backend)),
  ).logits!.data();
  close(again, got, 0, 0, `${name} logits after encodePretrained → fromPretrained`);
  return `${got.length} logits within 1e-4 rel / 1e-5 abs of PyTorch, loss ${l.toFixed(6)} (PyTorch ${Number(lossRef.data[0]).toFixed(6)})`;
}

/** A (M×K)·(K×N) product against a float64 loop. */
async function checkMatmul(backend: Backend): Promise<string> {
  const [M, K, N] = [33, 70, 45];
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i * 0.37));
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.11));
  const want = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[m * K + k]! * b[k * N + n]!;
      want[m * N + n] = s;
    }
  const got = await matmul(tensor(a, [M, K], 'f32', backend), tensor(b, [K, N], 'f32', backend)).data();
  close(got, want, 1e-5, 1e-5, 'matmul');
  return `${M}×${K}·${K}×${N} within 1e-5 of float64`;
}

/**
 * tensor-gpu's conformance suite (every op against float64 references, the cases the Node suites run)
 * on `backend`; the cases the adapter cannot run (f16 without `shader-f16`) are counted as excluded.
 */
async function checkConformance(backend: Backend, tolScale: number, hasF16: boolean): Promise<string> {
  const cases = conformanceCases();
  const exclude = webgpuExclusions(cases, hasF16);
  const failures: string[] = [];
  let ran = 0;
  for (const c of cases) {
    if (c.name in exclude) continue;
    ran++;
    try {
      const problems = await runCase(c, backend, tolScale);
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')}`);
    } catch (e) {
      failures.push(`${c.name}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length}/${ran} cases fail: ${failures.slice(0, 5).join(' | ')}`);
  }
  const excluded = Object.entries(exclude).map(([name, why]) => `${name}: ${why}`);
  return `${ran} cases conform${excluded.length > 0 ? `; excluded ${excluded.length}: ${excluded.join('; ')}` : ''}`;
}

interface TokenizerCase {
  text: string;
  ids: number[];
}

/** Every tokenizer fixture (HF tokenizers / SentencePiece references) gives the reference ids. */
async function checkTokenizers(): Promise<string> {
  const fixtures = (await (await fetch('/fixtures/tokenizers.json')).json()) as Record<
    string,
    { file: string; cases: TokenizerCase[] }
  >;
  let n = 0;
  for (const [name, f] of Object.entries(fixtures)) {
    const tok = await loadTokenizer(await fetch(`/fixtures/${f.file}`));
    for (const c of f.cases) {
      const ids = tok.encode(c.text);
      if (JSON.stringify(ids) !== JSON.stringify(c.ids)) {
        throw new Error(
          `${name}: ${JSON.stringify(c.text)} gave ${JSON.stringify(ids)}, expected ${JSON.stringify(c.ids)}`,
        );
      }
      if (!c.text.includes('\uFFFD') && tok.decode(ids) !== c.text && name.startsWith('hf-bytelevel')) {
        throw new Error(`${name}: ${JSON.stringify(c.text)} decoded to ${JSON.stringify(tok.decode(ids))}`);
      }
      n++;
    }
  }
  return `${n} cases of ${Object.keys(fixtures).length} tokenizers give the reference ids`;
}

async function run(name: string, fn: () => Promise<string>, out: CheckResult[]): Promise<void> {
  try {
    out.push({ name, status: 'pass', detail: await fn() });
  } catch (e) {
    out.push({ name, status: 'fail', detail: `${(e as Error).name}: ${(e as Error).message}` });
  }
}

async function main(): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  await run('tokenizer fixtures', checkTokenizers, out);

  const single = createCpuBackend({ threads: 1 });
  await run('cpu backend (1 thread): matmul', () => checkMatmul(single), out);
  await run(
    'cpu backend (1 thread): tensor-gpu conformance suite',
    () => checkConformance(single, 1, true),
    out,
  );
  await run('cpu backend (1 thread): gpt2-tiny logits and loss', () => checkModel('gpt2-tiny', single), out);
  await run(
    'cpu backend (1 thread): llama-tiny logits and loss',
    () => checkModel('llama-tiny', single),
    out,
  );
  single.dispose();

  const threaded = createCpuBackend({ threads: 2 });
  await run(
    'cpu backend (2 threads, cross-origin isolated): gpt2-tiny logits and loss',
    async () => {
      if (!crossOriginIsolated) throw new Error('the page is not cross-origin isolated (COOP/COEP headers)');
      await threaded.ready();
      const info = threaded.info();
      if (info.readyWorkers < 1) throw new Error(`no worker thread started: ${JSON.stringify(info)}`);
      return `${await checkModel('gpt2-tiny', threaded)}; ${JSON.stringify(info)}`;
    },
    out,
  );
  threaded.dispose();

  const gpu = (navigator as { gpu?: GPU }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (!gpu || !adapter) {
    const why = gpu ? 'navigator.gpu.requestAdapter() gave null' : 'navigator.gpu is undefined';
    for (const name of [
      'webgpu: matmul',
      'webgpu: tensor-gpu conformance suite',
      'webgpu: gpt2-tiny logits and loss',
    ])
      out.push({ name, status: 'skip', detail: why });
  } else {
    const { device } = await requestDevice(gpu);
    const backend = await createWebGPUBackend({ device, ownsDevice: true });
    await run('webgpu: matmul', () => checkMatmul(backend), out);
    await run(
      'webgpu: tensor-gpu conformance suite',
      () => checkConformance(backend, WEBGPU_TOL_SCALE, backend.caps.f16),
      out,
    );
    await run('webgpu: gpt2-tiny logits and loss', () => checkModel('gpt2-tiny', backend), out);
    backend.dispose();
  }
  return out;
}

const g = globalThis as { llmforgeResults?: Promise<CheckResult[]> };
g.llmforgeResults = main();
