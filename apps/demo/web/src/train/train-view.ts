/**
 * The Train view: a BPE tokenizer and a tiny GPT trained in the page, on the bundled Austen corpus
 * or on pasted text, in a Web Worker (`engine/train-worker.ts`) so the page stays responsive. The
 * loss curve and the samples update as it learns; "Stop" ends the run after the current step; the
 * result downloads as a Hugging Face–layout checkpoint (a zip, or the three files) or opens in the
 * Explain view.
 *
 * The root element's `data-state` is `idle`, `training`, `done` or `error` (the end-to-end tests wait
 * on it).
 */
import type { Remote } from 'comlink';
import { proxy } from 'comlink';
import { zipSync } from 'fflate';
import corpusUrl from '../../../data/austen.txt.gz?url';
import type { BackendInfo } from '../engine/backend.js';
import type { CheckpointBytes } from '../engine/checkpoint.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainEvent, type TrainSettings } from '../engine/train-loop.js';
import type { TrainApi } from '../engine/train-worker.js';
import { lossChart } from '../ui/charts.js';
import { el, numberField } from '../ui/dom.js';

/** Offers `data` as a file download. */
function download(name: string, data: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const FIELDS: {
  key: keyof TrainSettings;
  label: string;
  step?: number | 'any';
  min?: number;
  title: string;
}[] = [
  {
    key: 'vocabSize',
    label: 'vocabulary',
    min: 257,
    title: 'BPE vocabulary size: 256 bytes + <|endoftext|> + merges',
  },
  { key: 'contextLength', label: 'context', min: 4, title: 'tokens per window (the model’s context length)' },
  { key: 'nLayer', label: 'layers', min: 1, title: 'transformer blocks' },
  { key: 'nEmbd', label: 'width', min: 4, title: 'embedding width (a multiple of the heads)' },
  { key: 'nHead', label: 'heads', min: 1, title: 'attention heads per layer' },
  { key: 'batchSize', label: 'batch', min: 1, title: 'windows per step' },
  { key: 'steps', label: 'steps', min: 1, title: 'optimizer steps' },
  {
    key: 'lr',
    label: 'learning rate',
    step: 'any',
    min: 0,
    title: 'peak learning rate (warmup, then cosine to a tenth)',
  },
  { key: 'seed', label: 'seed', min: 0, title: 'seed of the weights, the windows and the samples' },
  { key: 'evalEvery', label: 'eval every', min: 1, title: 'steps between held-out evaluations' },
  { key: 'sampleEvery', label: 'sample every', min: 1, title: 'steps between samples' },
];

/** Builds the view; `onExplain` opens a trained checkpoint in the Explain view. */
export function trainView(
  engine: Remote<TrainApi>,
  onExplain: (bytes: CheckpointBytes) => void,
): { root: HTMLElement; setBackend(info: BackendInfo): void } {
  const fields = FIELDS.map((f) => ({
    key: f.key,
    field: numberField(f.label, DEFAULT_TRAIN_SETTINGS[f.key] as number, {
      name: f.key,
      title: f.title,
      step: f.step ?? 1,
      ...(f.min === undefined ? {} : { min: f.min }),
    }),
  }));
  const prompt = el('input', {
    type: 'text',
    value: DEFAULT_TRAIN_SETTINGS.samplePrompt,
    'data-testid': 'field-samplePrompt',
  });
  const useCorpus = el('input', {
    type: 'radio',
    name: 'source',
    value: 'corpus',
    checked: true,
    'data-testid': 'source-corpus',
  });
  const usePasted = el('input', {
    type: 'radio',
    name: 'source',
    value: 'pasted',
    'data-testid': 'source-pasted',
  });
  const pasted = el('textarea', {
    rows: 6,
    placeholder: 'Paste a few hundred kilobytes of text here…',
    spellcheck: 'false', // a corpus, not prose to correct
    'data-testid': 'train-text',
  });
  pasted.addEventListener('input', () => {
    usePasted.checked = true;
  });
  const backendNote = el('p.note', { 'data-testid': 'train-backend' });
  const status = el('p.status', { 'data-testid': 'train-status' }, ['Ready.']);
  const phases = el('ol.phases', { 'data-testid': 'train-phases' });
  const chartBox = el('div.chart', { 'data-testid': 'loss-chart' });
  const samples = el('ol.samples', { 'data-testid': 'samples' });
  const startButton = el('button.primary', { type: 'button', 'data-testid': 'train-start' }, ['Train']);
  const stopButton = el('button', { type: 'button', disabled: true, 'data-testid': 'train-stop' }, ['Stop']);
  const outputs = el('div.controls', { hidden: true, 'data-testid': 'train-outputs' });
  const root = el('div.view', { 'data-testid': 'train', 'data-state': 'idle' }, [
    el('section.card', {}, [
      el('h2', {}, ['Train a model']),
      el('p.explain', {}, [
        'Trains a byte-level BPE tokenizer on the text, then a small GPT to predict each next token, with AdamW. ',
        'The loss is the average surprise (in nats) of the true next token; it starts near ln(vocabulary) and falls as the model learns.',
      ]),
      el('div.controls', {}, [
        el('label.field.inline', {}, [useCorpus, el('span', {}, ['Jane Austen’s novels (bundled, 4 MB)'])]),
        el('label.field.inline', {}, [usePasted, el('span', {}, ['the text below'])]),
      ]),
      pasted,
      el('div.settings', {}, [
        ...fields.map((f) => f.field.root),
        el('label.field.wide', {}, [el('span', {}, ['sample prompt']), prompt]),
      ]),
      el('div.controls', {}, [startButton, stopButton]),
      backendNote,
      status,
      phases,
    ]),
    el('section.card', {}, [el('h2', {}, ['Loss']), chartBox]),
    el('section.card', {}, [el('h2', {}, ['Samples as it learns']), samples]),
    el('section.card', {}, [el('h2', {}, ['Your model']), outputs]),
  ]);
  const chart = lossChart(chartBox);

  const steps: number[] = [];
  const train: (number | null)[] = [];
  const val: (number | null)[] = [];
  let lastDraw = 0;
  const redraw = (force = false) => {
    const now = performance.now();
    if (!force && now - lastDraw < 100) return; // at most ~10 redraws a second
    lastDraw = now;
    chart.update(steps, train, val);
  };

  const onEvent = (e: TrainEvent) => {
    if (e.type === 'phase') {
      phases.append(el('li', {}, [`${e.phase}: ${e.detail}`]));
    } else if (e.type === 'tokenizer-progress') {
      status.textContent = `Training the tokenizer: ${e.stage} ${e.total > 0 ? `${Math.round((100 * e.done) / e.total)}%` : e.done}`;
    } else if (e.type === 'step') {
      steps.push(e.step);
      train.push(e.loss);
      val.push(null);
      status.textContent = `step ${e.step}: loss ${e.loss.toFixed(3)}, ${Math.round(e.tokensPerSecond).toLocaleString('en-US')} tokens/s`;
      root.dataset.step = String(e.step);
      redraw();
    } else if (e.type === 'eval') {
      if (e.step === 0) {
        steps.push(0);
        train.push(null);
        val.push(e.valLoss);
      } else {
        val[steps.lastIndexOf(e.step)] = e.valLoss;
      }
      root.dataset.valLosses = val
        .filter((v) => v !== null)
        .map((v) => v!.toFixed(4))
        .join(' ');
      redraw(true);
    } else {
      samples.prepend(
        el('li', {}, [el('span.sample-step', {}, [`step ${e.step}`]), el('span.sample-text', {}, [e.text])]),
      );
    }
  };

  const settings = (): TrainSettings => {
    const s = { ...DEFAULT_TRAIN_SETTINGS, samplePrompt: prompt.value };
    for (const f of fields) (s as Record<string, unknown>)[f.key] = f.field.get();
    return s;
  };

  startButton.addEventListener('click', async () => {
    const text = usePasted.checked ? pasted.value : null;
    steps.length = train.length = val.length = 0;
    redraw(true);
    samples.replaceChildren();
    phases.replaceChildren();
    outputs.hidden = true;
    root.dataset.state = 'training';
    status.classList.remove('error');
    status.textContent = text === null ? 'Fetching the corpus…' : 'Starting…';
    startButton.disabled = true;
    stopButton.disabled = false;
    try {
      const r = await engine.train(text, new URL(corpusUrl, location.href).href, settings(), proxy(onEvent));
      redraw(true);
      status.textContent =
        `${r.stopped ? 'Stopped' : 'Done'} after ${r.stepsDone} steps: training loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, ` +
        `held-out loss ${r.valLoss.toFixed(3)}; ${r.parameters.toLocaleString('en-US')} parameters, vocabulary ${r.vocabSize}.`;
      showOutputs();
      root.dataset.state = 'done';
    } catch (e) {
      status.textContent = (e as Error).message;
      status.classList.add('error');
      root.dataset.state = 'error';
    } finally {
      startButton.disabled = false;
      stopButton.disabled = true;
    }
  });
  stopButton.addEventListener('click', () => {
    stopButton.disabled = true;
    status.textContent = 'Stopping after this step…';
    void engine.stop();
  });

  function showOutputs(): void {
    const withBytes = (use: (b: CheckpointBytes) => void) => async () => use(await engine.checkpoint());
    outputs.replaceChildren(
      el(
        'button.primary',
        {
          type: 'button',
          'data-testid': 'download-zip',
          onclick: withBytes((b) =>
            download(
              'llmforge-model.zip',
              zipSync({
                'llmforge-model/tokenizer.json': new TextEncoder().encode(b.tokenizer),
                'llmforge-model/config.json': new TextEncoder().encode(b.config),
                'llmforge-model/model.safetensors': b.weights,
              }),
              'application/zip',
            ),
          ),
        },
        ['Download checkpoint (.zip)'],
      ),
      el(
        'button',
        {
          type: 'button',
          'data-testid': 'download-tokenizer',
          onclick: withBytes((b) => download('tokenizer.json', b.tokenizer, 'application/json')),
        },
        ['tokenizer.json'],
      ),
      el(
        'button',
        {
          type: 'button',
          'data-testid': 'download-config',
          onclick: withBytes((b) => download('config.json', b.config, 'application/json')),
        },
        ['config.json'],
      ),
      el(
        'button',
        {
          type: 'button',
          'data-testid': 'download-weights',
          onclick: withBytes((b) => download('model.safetensors', b.weights, 'application/octet-stream')),
        },
        ['model.safetensors'],
      ),
      el('button', { type: 'button', 'data-testid': 'explain-trained', onclick: withBytes(onExplain) }, [
        'Explain this model',
      ]),
      el('p.note', {}, [
        'The files are a Hugging Face checkpoint: fromPretrained loads the folder in Node, and transformers’ AutoModelForCausalLM in Python.',
      ]),
    );
    outputs.hidden = false;
  }

  return {
    root,
    setBackend(info) {
      backendNote.textContent = `Training runs in a Web Worker on ${info.label}.${info.fallback ? ` WebGPU is not used: ${info.fallback}.` : ''}`;
    },
  };
}
