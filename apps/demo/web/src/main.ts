/**
 * The page: two views over one pipeline. Explain shows what a trained model does with your text
 * (tokens, embeddings, attention, the next-token distribution and sampling); Train makes such a
 * model from text in the page. Each view's model lives in its own Web Worker, on WebGPU when the
 * browser offers an adapter and on the CPU backend otherwise; the header says which, and why.
 *
 * `?backend=cpu` in the address skips WebGPU.
 */
import { wrap } from 'comlink';
import type { BackendChoice, BackendInfo } from './engine/backend.js';
import type { ExplainApi } from './engine/explain-worker.js';
import type { TrainApi } from './engine/train-worker.js';
import { explainView } from './explain/explain-view.js';
import { trainView } from './train/train-view.js';
import { el } from './ui/dom.js';
import './style.css';

const choice: BackendChoice = new URLSearchParams(location.search).get('backend') === 'cpu' ? 'cpu' : 'auto';

const explainEngine = wrap<ExplainApi>(
  new Worker(new URL('./engine/explain-worker.ts', import.meta.url), { type: 'module', name: 'explain' }),
);
const trainEngine = wrap<TrainApi>(
  new Worker(new URL('./engine/train-worker.ts', import.meta.url), { type: 'module', name: 'train' }),
);

const explain = explainView(explainEngine);
const train = trainView(trainEngine, (bytes) => {
  show('explain');
  void explain.loadTrained(bytes);
});

const backendLine = el('p.backend', { 'data-testid': 'backend' }, ['Opening a backend…']);
const tabs = {
  explain: el(
    'button.tab',
    { type: 'button', 'data-testid': 'tab-explain', onclick: () => show('explain') },
    ['Explain'],
  ),
  train: el('button.tab', { type: 'button', 'data-testid': 'tab-train', onclick: () => show('train') }, [
    'Train',
  ]),
};

function show(which: 'explain' | 'train'): void {
  explain.root.hidden = which !== 'explain';
  train.root.hidden = which !== 'train';
  tabs.explain.classList.toggle('active', which === 'explain');
  tabs.train.classList.toggle('active', which === 'train');
  history.replaceState(null, '', `${location.search}#${which}`);
}

function describe(info: BackendInfo): string {
  if (info.kind === 'webgpu') return `Running on ${info.label}.`;
  return info.fallback
    ? `WebGPU is not available: ${info.fallback.replace(/\.$/, '')}. Running on the ${info.label} instead.`
    : `Running on the ${info.label} (WebGPU skipped by ?backend=cpu).`;
}

document
  .querySelector('#app')!
  .append(
    el('header', {}, [
      el('h1', {}, ['llmforge']),
      el('p.tagline', {}, ['A language model, explained and trained in your browser.']),
      el('nav.tabs', {}, [tabs.explain, tabs.train]),
      backendLine,
    ]),
    el('main', {}, [explain.root, train.root]),
    el('footer', {}, [
      'Built with the @llmforge packages: tokenizer, tensor-gpu, transformer, sampler. Nothing leaves your machine.',
    ]),
  );
show(location.hash === '#train' ? 'train' : 'explain');

const [explainInfo, trainInfo] = await Promise.all([explainEngine.open(choice), trainEngine.open(choice)]);
backendLine.textContent = describe(explainInfo);
backendLine.dataset.kind = explainInfo.kind;
backendLine.classList.toggle('fallback', explainInfo.kind === 'cpu');
train.setBackend(trainInfo);
await explain.start();
