/**
 * The embedding map: every token's embedding vector (a row of the model's `wte`, nEmbd numbers)
 * projected onto the two directions along which the embeddings vary most (PCA, `engine/pca.ts`).
 * Tokens the model learned to use alike end up near each other; the tokens of the text are red.
 */
import type { EmbeddingMap } from '../engine/explain-worker.js';
import { scatterChart } from '../ui/charts.js';
import { el } from '../ui/dom.js';

/** Builds the section; `setMap` takes a model's map, `highlight` the text's tokens. */
export function embeddingView(): {
  root: HTMLElement;
  setMap(map: EmbeddingMap, vocabSize: number): void;
  highlight(tokens: { id: number; label: string }[]): void;
} {
  const note = el('p.note', { 'data-testid': 'embedding-note' });
  const box = el('div.chart', { 'data-testid': 'embedding-chart' });
  const root = el('section.card', {}, [
    el('h2', {}, ['Token embeddings']),
    el('p.explain', {}, [
      'Each token id is looked up in the embedding matrix: a vector the model learned. Here every vector is projected to 2-D ',
      'on its first two principal components; the tokens of your text are red.',
    ]),
    note,
    box,
  ]);
  const chart = scatterChart(box);
  let map: EmbeddingMap | null = null;
  let marked: { id: number; label: string }[] = [];
  const draw = () => {
    if (!map) return;
    const seen = new Set<number>();
    const unique = marked.filter((t) => !seen.has(t.id) && seen.add(t.id));
    chart.update(
      map.points,
      unique.map((t) => ({ index: t.id, label: t.label })),
    );
  };
  return {
    root,
    setMap(m, vocabSize) {
      map = m;
      note.textContent = `${vocabSize} tokens; the two components explain ${(100 * m.explained[0]).toFixed(1)}% and ${(100 * m.explained[1]).toFixed(1)}% of the variance.`;
      draw();
    },
    highlight(tokens) {
      marked = tokens;
      draw();
    },
  };
}
