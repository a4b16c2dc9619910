/**
 * Attention maps: for layer l and head h, row t shows how the token at position t spreads its
 * attention over the positions up to it (each row sums to 1; causal, so nothing right of the
 * diagonal). A grid of small maps (layers × heads) picks which one is drawn large, with the tokens
 * along both sides; hovering a cell names the pair and the weight.
 */
import type { Analysis } from '../engine/analysis.js';
import { el, setChildren } from '../ui/dom.js';

/** Draws one (T, T) map into a canvas, white (0) to dark blue (1). */
function drawMap(canvas: HTMLCanvasElement, a: Analysis, layer: number, head: number, cell: number): void {
  const T = a.T;
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(T * cell * dpr));
  canvas.height = canvas.width;
  canvas.style.width = `${T * cell}px`;
  canvas.style.height = `${T * cell}px`;
  const ctx = canvas.getContext('2d')!;
  const base = (layer * a.nHead + head) * T * T;
  const size = cell * dpr;
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < T; s++) {
      const p = s > t ? Number.NaN : a.attention[base + t * T + s]!;
      ctx.fillStyle = Number.isNaN(p) ? '#f3f4f6' : `rgba(30, 64, 175, ${Math.min(1, p).toFixed(3)})`;
      ctx.fillRect(s * size, t * size, Math.ceil(size), Math.ceil(size));
    }
  }
}

/** Builds the attention section; `update` redraws it for a new analysis and its token labels. */
export function attentionView(): { root: HTMLElement; update(a: Analysis, labels: string[]): void } {
  let selected = { layer: 0, head: 0 };
  let current: { a: Analysis; labels: string[] } | null = null;
  const grid = el('div.attention-grid', { 'data-testid': 'attention-grid' });
  const big = el('canvas.attention-big', { 'data-testid': 'attention-map' });
  const rows = el('div.attention-rows');
  const cols = el('div.attention-cols');
  const caption = el('p.note');
  const hover = el('p.note', { 'data-testid': 'attention-hover' }, ['Hover a cell.']);
  const root = el('section.card', {}, [
    el('h2', {}, ['Attention']),
    el('p.explain', {}, [
      'Each head of each layer mixes information between positions. Row t of a map is the attention of token t ',
      'over the tokens up to it (softmax of query·key / √head size): darker is more. Pick a map from the grid.',
    ]),
    grid,
    caption,
    el('div.attention-frame', {}, [rows, el('div', {}, [cols, big])]),
    hover,
  ]);

  const cellSize = (T: number) =>
    Math.max(6, Math.min(22, Math.floor(Math.min(520, root.clientWidth - 140 || 520) / T)));

  const drawBig = () => {
    if (!current) return;
    const { a, labels } = current;
    const cell = cellSize(a.T);
    drawMap(big, a, selected.layer, selected.head, cell);
    // a row label is one cell high (its width follows the text), a column label one cell wide
    const label = (text: string, i: number, cls: 'row-label' | 'col-label') =>
      el(
        `span.${cls}`,
        {
          style:
            cls === 'row-label'
              ? `height:${cell}px;line-height:${cell}px`
              : `width:${cell}px;line-height:${cell}px`,
          title: `${i}: ${text}`,
        },
        [text],
      );
    setChildren(
      rows,
      labels.map((t, i) => label(t, i, 'row-label')),
    );
    setChildren(
      cols,
      labels.map((t, i) => label(t, i, 'col-label')),
    );
    rows.style.fontSize = cols.style.fontSize = `${Math.min(12, cell)}px`;
    caption.textContent = `Layer ${selected.layer}, head ${selected.head}: ${a.T} × ${a.T}`;
  };

  big.addEventListener('mousemove', (e) => {
    if (!current) return;
    const { a, labels } = current;
    const cell = cellSize(a.T);
    const s = Math.floor(e.offsetX / cell);
    const t = Math.floor(e.offsetY / cell);
    if (t < 0 || t >= a.T || s < 0 || s > t) return;
    const p = a.attention[((selected.layer * a.nHead + selected.head) * a.T + t) * a.T + s]!;
    hover.textContent = `“${labels[t]}” (position ${t}) → “${labels[s]}” (position ${s}): ${p.toFixed(4)}`;
  });

  const update = (a: Analysis, labels: string[]): void => {
    current = { a, labels };
    if (selected.layer >= a.nLayer || selected.head >= a.nHead) selected = { layer: 0, head: 0 };
    const thumbs: HTMLElement[] = [];
    for (let l = 0; l < a.nLayer; l++) {
      const row: HTMLElement[] = [el('span.grid-label', {}, [`layer ${l}`])];
      for (let h = 0; h < a.nHead; h++) {
        const c = el('canvas.thumb');
        drawMap(c, a, l, h, Math.min(16, 64 / a.T));
        const active = l === selected.layer && h === selected.head;
        const pick = () => {
          selected = { layer: l, head: h };
          update(a, labels);
        };
        row.push(
          el(
            `button.thumb-button${active ? '.active' : ''}`,
            {
              type: 'button',
              title: `layer ${l}, head ${h}`,
              'data-testid': `attention-${l}-${h}`,
              onclick: pick,
            },
            [c, el('span', {}, [`h${h}`])],
          ),
        );
      }
      thumbs.push(el('div.grid-row', {}, row));
    }
    setChildren(grid, thumbs);
    drawBig();
  };

  return { root, update };
}
