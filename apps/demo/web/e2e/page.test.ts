/**
 * The built page end to end in headless Chromium, twice: with a SwiftShader WebGPU adapter, and with
 * no adapter (the page falls back to the CPU backend). Each run checks the Explain view's logits and
 * probabilities against the same checkpoint loaded here in Node with `fromPretrained` (to 1e-5), trains
 * a small model in the Train view, downloads it, and checks that the download loads in Node and gives
 * the logits the page shows for it.
 *
 * Needs Debian's Chromium (`apt-get install -y chromium`, or `LLMFORGE_CHROMIUM=/path`): skipped
 * visibly without it, failing under `CI=true`. Screenshots go to `test-output/screenshots/`.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createCpuBackend, noGrad } from '@llmforge/tensor-gpu';
import { Tokenizer } from '@llmforge/tokenizer';
// Node's checkpoint loader (reads the folder from disk)
import { fromPretrained } from '@llmforge/transformer/node';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSpans } from '../src/engine/token-spans.js';
import { BUNDLED, FIXTURES, maxAbsDiff } from '../test/helpers.js';
import { CHROMIUM, HAVE_CHROMIUM, launch, SHOTS, servePage } from './harness.js';

const ON_CI = process.env.CI === 'true';

/**
 * The next-token logits after `text` of the checkpoint in `dir`, computed here in Node as a library
 * user would: `fromPretrained`, the tokenizer's `encode`, `model.forward` on the CPU backend (none of
 * the page's code).
 */
async function nodeLogits(dir: string, text: string): Promise<Float32Array> {
  const backend = createCpuBackend({ threads: 1 });
  try {
    const model = await fromPretrained(dir, { backend });
    const tokenizer = Tokenizer.fromJSON(await readFile(join(dir, 'tokenizer.json'), 'utf8'));
    const ids = tokenizer.encode(text).slice(-model.config.contextLength);
    const logits = noGrad(() => model.forward([ids], { logits: 'last' }).logits!);
    const row = Float32Array.from(await logits.data());
    logits.dispose();
    model.dispose();
    return row;
  } finally {
    backend.dispose();
  }
}

/** Softmax in float64. */
function softmax(logits: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const p = Float64Array.from(logits, (x) => Math.exp(x - max));
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / sum);
}

/** Every logit the page holds for the next token (the table's `data-logits`, float32 printed exactly). */
async function pageLogits(page: Page): Promise<Float32Array> {
  const text = await page.getAttribute('[data-testid=next-table]', 'data-logits');
  if (!text) throw new Error('the next-token table has no data-logits');
  return Float32Array.from(text.split(' ').map(Number));
}

/** The rows of the next-token table: id and the model's probability. */
async function tableRows(page: Page): Promise<{ id: number; p: number }[]> {
  return page.$$eval('[data-testid=next-table] tbody tr', (rows) =>
    rows.map((r) => ({ id: Number(r.getAttribute('data-id')), p: Number(r.getAttribute('data-p-model')) })),
  );
}

/** Clicks `testid` and saves the file the page offers into `dir`; returns the suggested name and path. */
async function download(page: Page, testid: string, dir: string): Promise<{ name: string; path: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  const name = d.suggestedFilename();
  const path = join(dir, name);
  await d.saveAs(path);
  return { name, path };
}

describe.skipIf(!HAVE_CHROMIUM && !ON_CI)('the page in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof servePage>> | undefined;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set LLMFORGE_CHROMIUM`,
      );
    }
    server = await servePage();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  for (const webgpu of [true, false]) {
    describe(webgpu ? 'on WebGPU (SwiftShader)' : 'without a WebGPU adapter (the CPU backend)', () => {
      let browser: Browser;
      let page: Page;
      const pageErrors: string[] = [];
      const kind = webgpu ? 'webgpu' : 'cpu';
      // SwiftShader runs each step on the CPU cores through its shader JIT, several times slower than
      // the WebAssembly backend: fewer steps there, with an evaluation at the start, middle and end
      const trainSteps = webgpu
        ? { steps: 30, evalEvery: 15, sampleEvery: 15 }
        : { steps: 40, evalEvery: 20, sampleEvery: 20 };
      /** Where the downloaded checkpoint is saved: the zip's folder and the three files. */
      let downloads: string | undefined;

      beforeAll(async () => {
        browser = await launch(webgpu);
        page = await browser.newPage();
        page.on('pageerror', (e) => pageErrors.push(e.message));
        await page.goto(server!.url);
      });
      afterAll(async () => {
        await browser?.close();
        if (downloads) await rm(downloads, { recursive: true, force: true });
      });

      it('Explain: loads the bundled model and shows what it expects next, as Node computes it', async () => {
        await page.waitForSelector('[data-testid=explain][data-state=ready]', { timeout: 120_000 });
        expect(await page.getAttribute('[data-testid=backend]', 'data-kind')).toBe(kind);
        expect(await page.textContent('[data-testid=backend]')).toMatch(
          webgpu
            ? /^Running on WebGPU/
            : /^WebGPU is not available: the browser has WebGPU but offered no adapter; no usable GPU, or WebGPU is disabled\. Running on the CPU \([^()]*\) instead\.$/,
        );
        expect(await page.textContent('[data-testid=model-info]')).toMatch(
          /446,304 parameters, 3 layers × 4 heads, width 96, context 128, vocabulary 1024/,
        );

        const text = await page.inputValue('[data-testid=explain-text]');
        const referenceLogits = await nodeLogits(BUNDLED, text);
        const reference = softmax(referenceLogits);
        const logits = await pageLogits(page);
        const rows = await tableRows(page);
        // the page holds float32 logits and shows their float64 softmax: both as Node computes them
        // (measured: logits within 6e-6 of Node's on SwiftShader, 3e-6 on the CPU backend, for logits
        // between -15 and 8; probabilities within 4e-7)
        expect(maxAbsDiff(logits, referenceLogits)).toBeLessThan(1e-5);
        expect(maxAbsDiff(softmax(logits), reference)).toBeLessThan(1e-5);
        expect(rows.length).toBeGreaterThan(5);
        const order = Array.from(reference.keys()).sort((a, b) => reference[b]! - reference[a]!);
        expect(rows[0]!.id).toBe(order[0]);
        for (const r of rows) expect(Math.abs(r.p - reference[r.id]!)).toBeLessThan(1e-5);

        // one token per span, and one attention map per layer and head
        expect(await page.locator('[data-testid=tokens] > *').count()).toBe(
          tokenSpans(Tokenizer.fromJSON(readFileSync(`${BUNDLED}/tokenizer.json`, 'utf8')), text).length,
        );
        for (let l = 0; l < 3; l++) {
          for (let h = 0; h < 4; h++)
            expect(await page.locator(`[data-testid=attention-${l}-${h}]`).count()).toBe(1);
        }
        await page.screenshot({ path: `${SHOTS}explain-${kind}.png`, fullPage: true });
        expect(pageErrors).toEqual([]);
      });

      it('Explain: Step samples a token the filters keep and appends it', async () => {
        const before = await page.inputValue('[data-testid=explain-text]');
        const kept = new Set(
          await page.$$eval('[data-testid=next-table] tbody tr[data-fate=kept]', (rows) =>
            rows.map((r) => Number(r.getAttribute('data-id'))),
          ),
        );
        await page.click('[data-testid=step]');
        await page.waitForFunction(
          (b) => (document.querySelector('[data-testid=explain-text]') as HTMLTextAreaElement).value !== b,
          before,
        );
        await page.waitForSelector('[data-testid=explain][data-state=ready]');
        const after = await page.inputValue('[data-testid=explain-text]');
        expect(after.startsWith(before)).toBe(true);
        expect(after.length).toBeGreaterThan(before.length);
        expect(kept.size).toBeGreaterThan(0);
        expect(pageErrors).toEqual([]);
      });

      it('Train: trains a tokenizer and a model on pasted text; the held-out loss falls', async () => {
        const text = gunzipSync(readFileSync(`${FIXTURES}/austen-train.txt.gz`))
          .toString('utf8')
          .slice(0, 150_000);
        await page.click('[data-testid=tab-train]');
        // as a paste delivers it: the value, then one input event (typing 150 kB through `fill` takes
        // Chromium's editing path tens of seconds on two busy cores)
        await page.$eval(
          '[data-testid=train-text]',
          (box, value) => {
            (box as HTMLTextAreaElement).value = value;
            box.dispatchEvent(new Event('input', { bubbles: true }));
          },
          text,
        );
        expect(await page.isChecked('[data-testid=source-pasted]')).toBe(true);
        const settings = {
          vocabSize: 300,
          contextLength: 32,
          nLayer: 1,
          nEmbd: 32,
          nHead: 2,
          batchSize: 8,
          ...trainSteps,
        };
        for (const [k, v] of Object.entries(settings)) await page.fill(`[data-testid=field-${k}]`, String(v));
        await page.click('[data-testid=train-start]');
        await page.waitForSelector(
          '[data-testid=train][data-state=done], [data-testid=train][data-state=error]',
          {
            timeout: 280_000,
          },
        );
        const status = await page.textContent('[data-testid=train-status]');
        expect(await page.getAttribute('[data-testid=train]', 'data-state'), status ?? '').toBe('done');
        expect(status).toMatch(new RegExp(`^Done after ${trainSteps.steps} steps`));
        const val = (await page.getAttribute('[data-testid=train]', 'data-val-losses'))!
          .split(' ')
          .map(Number);
        expect(val.length).toBeGreaterThanOrEqual(2);
        // from about ln(300) ≈ 5.7 at initialization
        expect(val[0]).toBeGreaterThan(5);
        expect(val.at(-1)!).toBeLessThan(val[0]! - 0.5);
        expect(await page.locator('[data-testid=samples] li').count()).toBeGreaterThan(0);
        expect(await page.textContent('[data-testid=train-backend]')).toMatch(webgpu ? /WebGPU/ : /CPU/);
        await page.screenshot({ path: `${SHOTS}train-${kind}.png`, fullPage: true });
        expect(pageErrors).toEqual([]);
      });

      it('Train: downloads the checkpoint as a zip and as three files, the same bytes', async () => {
        downloads = await mkdtemp(join(tmpdir(), `llmforge-download-${kind}-`));
        const zip = await download(page, 'download-zip', downloads);
        expect(zip.name).toBe('llmforge-model.zip');
        const entries = unzipSync(new Uint8Array(await readFile(zip.path)));
        const names = ['config.json', 'model.safetensors', 'tokenizer.json'];
        expect(Object.keys(entries).sort()).toEqual(names.map((n) => `llmforge-model/${n}`));
        for (const [name, bytes] of Object.entries(entries)) {
          await mkdir(join(downloads, 'zip', 'llmforge-model'), { recursive: true });
          await writeFile(join(downloads, 'zip', name), bytes);
        }
        const files = join(downloads, 'files');
        await mkdir(files);
        for (const [testid, name] of [
          ['download-config', 'config.json'],
          ['download-weights', 'model.safetensors'],
          ['download-tokenizer', 'tokenizer.json'],
        ] as const) {
          const f = await download(page, testid, files);
          expect(f.name).toBe(name);
          expect(Buffer.compare(await readFile(f.path), entries[`llmforge-model/${name}`]!)).toBe(0);
        }
        expect(pageErrors).toEqual([]);
      });

      it('Train → Explain: the trained model opens in the Explain view, and gives the logits the downloaded checkpoint gives in Node', async () => {
        await page.click('[data-testid=explain-trained]');
        await page.waitForSelector('[data-testid=explain][data-state=ready]', { timeout: 60_000 });
        expect(await page.textContent('[data-testid=model-info]')).toMatch(
          /the model trained in this page: .* 1 layers × 2 heads, width 32, context 32, vocabulary 300/,
        );
        expect((await tableRows(page)).length).toBeGreaterThan(5);

        // the input event starts the analysis synchronously (state busy), so `ready` is the new text's
        const prompt = 'It is a truth universally acknowledged, that a single man';
        await page.fill('[data-testid=explain-text]', prompt);
        await page.waitForSelector('[data-testid=explain][data-state=ready]', { timeout: 60_000 });
        const logits = await pageLogits(page);
        expect(logits.length).toBe(300);
        const dir = join(downloads!, 'zip', 'llmforge-model');
        const tokenizer = Tokenizer.fromJSON(await readFile(join(dir, 'tokenizer.json'), 'utf8'));
        expect(await page.locator('[data-testid=tokens] > *').count()).toBe(tokenizer.encode(prompt).length);
        // (measured: within 5e-7, logits between -2.4 and 2.3)
        const reference = await nodeLogits(dir, prompt);
        expect(maxAbsDiff(logits, reference)).toBeLessThan(1e-5);
        expect(maxAbsDiff(softmax(logits), softmax(reference))).toBeLessThan(1e-5);
        expect(maxAbsDiff(await nodeLogits(join(downloads!, 'files'), prompt), reference)).toBe(0);
        await page.screenshot({ path: `${SHOTS}explain-trained-${kind}.png`, fullPage: true });
        expect(pageErrors).toEqual([]);
      });
    });
  }
});
