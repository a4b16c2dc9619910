/**
 * The next-token distribution after the last token, and the sampling filters acting on it, live:
 * moving a slider re-filters the same logits (no model call). The bars are the probabilities after
 * the temperature, coloured by what happens to each token: blue can be sampled, the others were
 * removed by top-k, top-p, min-p (or by temperature 0, which keeps only the most likely token). The
 * table lists the same tokens with the model's own probability, the tempered one and the final
 * sampling probability (the kept tokens renormalised).
 *
 * "Step" samples one token from the final distribution (seeded, as `@llmforge/sampler` does) and
 * appends it; "Play" keeps stepping.
 */
import type { SamplingFilters } from '@llmforge/tensor-gpu';
import { type FilterStages, filterStages, topIds } from '../engine/next-token.js';
import { barChart, COLORS } from '../ui/charts.js';
import { el, formatProb, setChildren } from '../ui/dom.js';

/** How many tokens the chart and the table show. */
const SHOWN = 30;
const LISTED = 20;

const FATE_LABEL: Record<string, string> = {
  kept: 'can be sampled',
  greedy: 'removed (temperature 0)',
  'top-k': 'removed by top-k',
  'top-p': 'removed by top-p',
  'min-p': 'removed by min-p',
};

/** A slider with its number, for one filter. */
function slider(
  name: string,
  label: string,
  min: number,
  max: number,
  step: number,
  value: number,
  onInput: () => void,
) {
  const range = el('input', {
    type: 'range',
    min,
    max,
    step,
    value,
    'data-testid': `slider-${name}`,
    oninput: () => sync(range, num),
  });
  const num = el('input.small', {
    type: 'number',
    min,
    max,
    step,
    value,
    'data-testid': `input-${name}`,
    oninput: () => sync(num, range),
  });
  function sync(from: HTMLInputElement, to: HTMLInputElement) {
    to.value = from.value;
    onInput();
  }
  return {
    root: el('label.slider', {}, [el('span', {}, [label]), range, num]),
    get: () => Number(num.value),
    set: (v: number) => {
      range.value = num.value = String(v);
    },
  };
}

/** Builds the section. `update` takes new logits; `filters()` reads the controls. */
export function nextTokenView(hooks: {
  label(id: number): string;
  onStep(): void;
  onPlay(playing: boolean): void;
  onReset(): void;
}): {
  root: HTMLElement;
  update(logits: Float32Array | null): void;
  filters(): SamplingFilters;
  stages(): FilterStages | null;
  setPlaying(playing: boolean): void;
  seed(): number;
} {
  let logits: Float32Array | null = null;
  let stages: FilterStages | null = null;
  const redraw = () => render();
  const temperature = slider('temperature', 'temperature', 0, 2, 0.05, 1, redraw);
  const topK = slider('top-k', 'top-k (0 = off)', 0, 100, 1, 0, redraw);
  const topP = slider('top-p', 'top-p (1 = off)', 0.05, 1, 0.01, 1, redraw);
  const minP = slider('min-p', 'min-p (0 = off)', 0, 0.5, 0.01, 0, redraw);
  const seedInput = el('input.small', { type: 'number', min: 0, value: 42, 'data-testid': 'input-seed' });
  const summary = el('p.note', { 'data-testid': 'next-summary' });
  const chartBox = el('div.chart');
  const table = el('table.probs', { 'data-testid': 'next-table' });
  const playButton = el(
    'button',
    {
      type: 'button',
      'data-testid': 'play',
      onclick: () => hooks.onPlay(playButton.dataset.playing !== 'true'),
    },
    ['Play'],
  );
  const groups = (['kept', 'top-k', 'top-p', 'min-p', 'greedy'] as const).map((key) => ({
    key,
    label: FATE_LABEL[key]!,
  }));
  const root = el('section.card', {}, [
    el('h2', {}, ['Next token']),
    el('p.explain', {}, [
      'The model’s scores (logits) for every token of the vocabulary after the last one, turned into probabilities. ',
      'Temperature divides the scores (lower: sharper), then top-k keeps the k most likely, top-p the smallest set ',
      'holding p of the probability, min-p drops tokens below min-p × the top probability. Sampling picks among what is left.',
    ]),
    el('div.controls', {}, [temperature.root, topK.root, topP.root, minP.root]),
    summary,
    chartBox,
    el('div.controls', {}, [
      el('button.primary', { type: 'button', 'data-testid': 'step', onclick: () => hooks.onStep() }, [
        'Step: sample one token',
      ]),
      playButton,
      el('button', { type: 'button', 'data-testid': 'reset', onclick: () => hooks.onReset() }, [
        'Back to my text',
      ]),
      el('label.field.inline', {}, [el('span', {}, ['seed']), seedInput]),
    ]),
    table,
  ]);
  const chart = barChart(chartBox, groups, 'probability after temperature');

  const filters = (): SamplingFilters => ({
    temperature: temperature.get(),
    topK: Math.round(topK.get()),
    topP: topP.get(),
    minP: minP.get(),
  });

  function render(): void {
    if (!logits) {
      stages = null;
      summary.textContent = 'Type some text to see what the model expects next.';
      chart.update([]);
      setChildren(table, []);
      delete table.dataset.logits;
      return;
    }
    // every logit in full (float32 values print exactly), for readers and the end-to-end tests
    table.dataset.logits = Array.from(logits).join(' ');
    stages = filterStages(logits, filters());
    const s = stages;
    const shown = topIds(s.tempered, SHOWN);
    chart.update(shown.map((id) => ({ label: hooks.label(id), value: s.tempered[id]!, group: s.fate[id]! })));
    let keptMass = 0;
    s.fate.forEach((f, i) => {
      if (f === 'kept') keptMass += s.tempered[i]!;
    });
    summary.textContent = `${s.kept} of ${s.fate.length} tokens can be sampled, holding ${(100 * keptMass).toFixed(1)}% of the tempered probability.`;
    const head = el(
      'tr',
      {},
      ['#', 'token', 'id', 'model p', 'after temperature', 'fate', 'sampling p'].map((h) =>
        el('th', {}, [h]),
      ),
    );
    const rows = topIds(s.tempered, LISTED).map((id, rank) =>
      el(
        'tr',
        {
          'data-id': id,
          'data-p-model': s.model[id]!,
          'data-p-final': s.final[id]!,
          'data-fate': s.fate[id]!,
        },
        [
          el('td', {}, [String(rank + 1)]),
          el('td.mono', {}, [hooks.label(id)]),
          el('td', {}, [String(id)]),
          el('td', {}, [formatProb(s.model[id]!)]),
          el('td', {}, [formatProb(s.tempered[id]!)]),
          el('td', {}, [
            el('span.fate', { style: `background:${COLORS[s.fate[id]!]}` }),
            FATE_LABEL[s.fate[id]!]!,
          ]),
          el('td', {}, [formatProb(s.final[id]!)]),
        ],
      ),
    );
    setChildren(table, [el('thead', {}, [head]), el('tbody', {}, rows)]);
  }

  return {
    root,
    update(next) {
      logits = next;
      render();
    },
    filters,
    stages: () => stages,
    setPlaying(playing) {
      playButton.dataset.playing = String(playing);
      playButton.textContent = playing ? 'Pause' : 'Play';
    },
    seed: () => Math.max(0, Math.floor(Number(seedInput.value) || 0)),
  };
}
