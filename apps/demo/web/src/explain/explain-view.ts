/**
 * The Explain view: pick a model (the bundled one, a checkpoint folder or files, or the model just
 * trained in the Train view), type text, and see what the model does with it. The model runs in a
 * worker (`engine/explain-worker.ts`); the tokenizer, the filters and the sampling choice run here.
 *
 *   text ─► tokenizer ─► ids ─► worker: analyse(last contextLength ids) ─► logits, attention maps
 *        ─► tokens view, context window, attention view, next-token view (filters), embedding map
 *   Step ─► sample one id from the filtered distribution ─► append ─► analyse again
 *
 * The root element's `data-state` is `loading`, `busy`, `ready` or `error`: the end-to-end tests wait
 * on it.
 */
import { RandomGenerator } from '@llmforge/tensor-gpu';
import type { Tokenizer } from '@llmforge/tokenizer';
import type { Remote } from 'comlink';
import { transfer } from 'comlink';
import { type CheckpointBytes, checkPair, tokenizerFromText } from '../engine/checkpoint.js';
import {
  type FoundCheckpoint,
  findCheckpoints,
  type NamedFile,
  readCheckpoint,
} from '../engine/checkpoint-files.js';
import type { ExplainApi, ModelSummary } from '../engine/explain-worker.js';
import { sampleNext } from '../engine/next-token.js';
import { spansOfIds, type TokenSpan, tokenSpans } from '../engine/token-spans.js';
import { el, setChildren, visible } from '../ui/dom.js';
import { acceptDrops, filesFromInput } from '../ui/drop.js';
import { attentionView } from './attention-view.js';
import { embeddingView } from './embedding-view.js';
import { nextTokenView } from './next-token-view.js';
import { tokenLabel, tokensView } from './tokens-view.js';

const BUNDLED = 'models/austen-tiny/';
const DEFAULT_TEXT =
  'It is a truth universally acknowledged, that a single man in possession of a good fortune';

/** Fetches the bundled model's three files. */
async function fetchBundled(): Promise<CheckpointBytes> {
  const get = async (name: string) => {
    const r = await fetch(`${BUNDLED}${name}`);
    if (!r.ok) throw new Error(`fetching ${BUNDLED}${name}: HTTP ${r.status}`);
    return r;
  };
  const [config, weights, tokenizer] = await Promise.all([
    get('config.json').then((r) => r.text()),
    get('model.safetensors').then((r) => r.arrayBuffer()),
    get('tokenizer.json').then((r) => r.text()),
  ]);
  return { config, weights: new Uint8Array(weights), tokenizer };
}

/** Builds the view; `loadTrained` is how the Train view hands over its model. */
export function explainView(engine: Remote<ExplainApi>): {
  root: HTMLElement;
  start(): Promise<void>;
  loadTrained(bytes: CheckpointBytes): Promise<void>;
} {
  let tokenizer: Tokenizer | null = null;
  let summary: ModelSummary | null = null;
  let spans: TokenSpan[] = [];
  let generatedFrom = 0;
  let generator = new RandomGenerator(42);
  let playing = false;

  const status = el('p.status', { 'data-testid': 'explain-status' }, ['Loading the bundled model…']);
  const modelInfo = el('p.note', { 'data-testid': 'model-info' });
  const textBox = el('textarea', { rows: 3, 'data-testid': 'explain-text', spellcheck: 'false' });
  textBox.value = DEFAULT_TEXT;
  const candidates = el('div.candidates');
  const fileInput = el('input', {
    type: 'file',
    multiple: true,
    accept: '.json,.safetensors',
    'data-testid': 'pick-files',
  });
  const folderInput = el('input', { type: 'file', 'data-testid': 'pick-folder' });
  folderInput.setAttribute('webkitdirectory', '');

  const tokens = tokensView();
  const attention = attentionView();
  const embedding = embeddingView();
  const next = nextTokenView({
    label: (id) => (tokenizer ? visible(tokenizer.decode([id])) || `⟨${id}⟩` : String(id)),
    onStep: () => void step(),
    onPlay: (on) => {
      playing = on;
      next.setPlaying(on);
      if (on) void play();
    },
    onReset: () => setText(textBox.dataset.prompt ?? textBox.value),
  });

  const source = el('section.card.source', {}, [
    el('h2', {}, ['Model']),
    el('div.controls', {}, [
      el('button', { type: 'button', 'data-testid': 'load-bundled', onclick: () => void loadBundled() }, [
        'Bundled: austen-tiny',
      ]),
      el('label.file-button', {}, ['Open folder…', folderInput]),
      el('label.file-button', {}, ['Open files…', fileInput]),
    ]),
    el('p.note', {}, [
      'Or drop a folder here: a demo run directory (tokenizer.json + model/config.json + model/model.safetensors), ',
      'a trainer checkpoint, or the three files.',
    ]),
    candidates,
    modelInfo,
    status,
  ]);
  const textCard = el('section.card', {}, [el('h2', {}, ['Your text']), textBox]);
  const root = el('div.view', { 'data-testid': 'explain', 'data-state': 'loading' }, [
    source,
    textCard,
    tokens.root,
    next.root,
    attention.root,
    embedding.root,
  ]);

  const setState = (state: 'loading' | 'busy' | 'ready' | 'error', message?: string) => {
    root.dataset.state = state;
    if (message !== undefined) status.textContent = message;
    status.classList.toggle('error', state === 'error');
  };

  // ── loading a model ────────────────────────────────────────────────────────────────────────────
  async function load(name: string, bytes: CheckpointBytes): Promise<void> {
    setState('loading', `Loading ${name}…`);
    try {
      const t = tokenizerFromText(bytes.tokenizer);
      const s = await engine.load(bytes.config, transfer(bytes.weights, [bytes.weights.buffer]));
      checkPair(t, s.config.vocabSize);
      tokenizer = t;
      summary = s;
      const c = s.config;
      modelInfo.textContent = `${name}: ${s.parameters.toLocaleString('en-US')} parameters, ${c.nLayer} layers × ${c.nHead} heads, width ${c.nEmbd}, context ${c.contextLength}, vocabulary ${c.vocabSize}`;
      embedding.setMap(await engine.embeddingMap(), c.vocabSize);
      setText(textBox.value);
    } catch (e) {
      setState('error', (e as Error).message);
    }
  }

  async function loadBundled(): Promise<void> {
    setState('loading', 'Loading the bundled model…');
    try {
      await load('austen-tiny (bundled)', await fetchBundled());
    } catch (e) {
      setState('error', (e as Error).message);
    }
  }

  async function loadFiles(files: NamedFile[]): Promise<void> {
    let found: FoundCheckpoint[];
    try {
      found = findCheckpoints(files);
    } catch (e) {
      setState('error', (e as Error).message);
      return;
    }
    const open = async (c: FoundCheckpoint) => load(c.dir || 'your checkpoint', await readCheckpoint(c));
    setChildren(
      candidates,
      found.length < 2
        ? []
        : [
            el('p.note', {}, [`${found.length} models found:`]),
            ...found.map((c) => el('button', { type: 'button', onclick: () => void open(c) }, [c.dir])),
          ],
    );
    await open(found.at(-1)!);
  }

  fileInput.addEventListener('change', () => void loadFiles(filesFromInput(fileInput.files)));
  folderInput.addEventListener('change', () => void loadFiles(filesFromInput(folderInput.files)));
  acceptDrops(root, (files) => void loadFiles(files));

  // ── text, analysis, stepping ───────────────────────────────────────────────────────────────────
  function setText(text: string): void {
    if (!tokenizer) return;
    textBox.dataset.prompt = text;
    textBox.value = text;
    spans = tokenSpans(tokenizer, text);
    generatedFrom = spans.length;
    generator = new RandomGenerator(next.seed());
    void refresh();
  }

  let running = false;
  let again = false;
  /** Analyses the current window; calls made while one runs fold into one more run after it. */
  async function refresh(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await analyseNow();
      } while (again);
    } catch (e) {
      setState('error', (e as Error).message);
    } finally {
      running = false;
    }
  }

  async function analyseNow(): Promise<void> {
    if (!tokenizer || !summary) return;
    const ctx = summary.config.contextLength;
    tokens.update(spans, generatedFrom, ctx);
    const window = spans.slice(-ctx);
    const labels = window.map(tokenLabel);
    embedding.highlight(window.map((s, i) => ({ id: s.id, label: labels[i]! })));
    if (window.length === 0) {
      next.update(null);
      setState('ready', 'Type some text.');
      return;
    }
    setState('busy');
    const a = await engine.analyse(window.map((s) => s.id));
    attention.update(a, labels);
    next.update(a.logits);
    setState('ready', `Analysed ${window.length} tokens.`);
  }

  textBox.addEventListener('input', () => {
    if (tokenizer) setText(textBox.value);
  });

  async function step(): Promise<void> {
    const stages = next.stages();
    if (!tokenizer || !stages || running) return;
    const id = sampleNext(stages, generator);
    spans = spansOfIds(tokenizer, [...spans.map((s) => s.id), id]);
    textBox.value = tokenizer.decode(spans.map((s) => s.id));
    await refresh();
  }

  async function play(): Promise<void> {
    while (playing) {
      await step();
      await new Promise((r) => setTimeout(r, 120));
      if (spans.length - generatedFrom >= 400) {
        playing = false;
        next.setPlaying(false);
      }
    }
  }

  return {
    root,
    start: loadBundled,
    async loadTrained(bytes) {
      setChildren(candidates, []);
      await load('the model trained in this page', bytes);
    },
  };
}
