/**
 * The page's charts, drawn with uPlot (as the trainer's HTML report is): a loss curve, a bar chart of
 * the next-token distribution, and a scatter plot of the embedding map. Each chart follows its
 * container's width, so the page works on a narrow screen. Attention maps are heatmaps drawn
 * directly on a canvas (`attention-view.ts`): uPlot has no heatmap.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colours shared by the charts and the page's CSS. */
export const COLORS = {
  train: '#2563eb',
  val: '#dc2626',
  kept: '#2563eb',
  greedy: '#9ca3af',
  'top-k': '#f59e0b',
  'top-p': '#a855f7',
  'min-p': '#14b8a6',
  point: 'rgba(100, 116, 139, 0.35)',
  highlight: '#dc2626',
} as const;

/** Keeps a chart as wide as its container. */
function followWidth(u: uPlot, container: HTMLElement, height: number): void {
  const resize = () => {
    const width = Math.max(200, container.clientWidth);
    if (Math.abs(width - u.width) > 1) u.setSize({ width, height });
  };
  new ResizeObserver(resize).observe(container);
  resize();
}

/**
 * The loss curve: training loss per step and held-out loss at each evaluation.
 *
 * @example
 * ```ts
 * const chart = lossChart(div);
 * chart.update([1, 2], [7.1, 6.9], [7.0, null]);
 * ```
 */
export function lossChart(container: HTMLElement): {
  update(steps: number[], train: (number | null)[], val: (number | null)[]): void;
} {
  const height = 260;
  const u = new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height,
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'loss (nats/token)' }],
      series: [
        { label: 'step' },
        { label: 'train', stroke: COLORS.train, width: 1.5, points: { show: false } },
        { label: 'held out', stroke: COLORS.val, width: 2, spanGaps: true, points: { show: true, size: 6 } },
      ],
    },
    [[], [], []],
    container,
  );
  followWidth(u, container, height);
  return { update: (steps, train, val) => u.setData([steps, train, val]) };
}

/** One bar of the next-token chart. */
export interface Bar {
  label: string;
  value: number;
  /** Which series (legend entry) it belongs to. */
  group: keyof typeof COLORS;
}

/**
 * Bars with text labels, coloured by group (one uPlot series per group, null elsewhere).
 *
 * @example
 * ```ts
 * const chart = barChart(div, ['kept', 'top-k', 'top-p'], 'probability');
 * chart.update([{ label: '·the', value: 0.3, group: 'kept' }, ...]);
 * ```
 */
export function barChart(
  container: HTMLElement,
  groups: { key: keyof typeof COLORS; label: string }[],
  yLabel: string,
): { update(bars: Bar[]): void } {
  const height = 280;
  let labels: string[] = [];
  const u = new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height,
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(max, 1e-6) * 1.05] } },
      axes: [
        {
          space: 12,
          rotate: -60,
          size: 70,
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (labels[i] ?? '') : '')),
          font: '12px ui-monospace, monospace',
        },
        { label: yLabel },
      ],
      cursor: { points: { show: false } },
      series: [
        { label: 'rank' },
        ...groups.map((g) => ({
          label: g.label,
          fill: COLORS[g.key],
          stroke: COLORS[g.key],
          paths: uPlot.paths.bars!({ size: [0.8, 40] }),
          points: { show: false },
        })),
      ],
    },
    [[], ...groups.map(() => [])],
    container,
  );
  followWidth(u, container, height);
  return {
    update(bars) {
      labels = bars.map((b) => b.label);
      const xs = bars.map((_, i) => i);
      const ys = groups.map((g) => bars.map((b) => (b.group === g.key ? b.value : null)));
      u.setData([xs, ...ys] as uPlot.AlignedData);
    },
  };
}

/**
 * A scatter plot of many grey points with some highlighted and labelled (the embedding map).
 *
 * @example
 * ```ts
 * const chart = scatterChart(div);
 * chart.update(points, [{ index: 17, label: '·the' }]);
 * ```
 */
export function scatterChart(container: HTMLElement): {
  update(points: Float32Array, highlight: { index: number; label: string }[]): void;
} {
  const height = 360;
  let marks: { x: number; y: number; label: string }[] = [];
  const u = new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height,
      scales: { x: { time: false } },
      axes: [{ label: 'first principal component' }, { label: 'second principal component' }],
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      series: [
        {},
        { stroke: COLORS.point, paths: () => null, points: { show: true, size: 4, fill: COLORS.point } },
        {
          stroke: COLORS.highlight,
          paths: () => null,
          points: { show: true, size: 9, fill: COLORS.highlight },
        },
      ],
      hooks: {
        draw: [
          (plot) => {
            const ctx = plot.ctx;
            ctx.save();
            ctx.font = `${Math.round(12 * devicePixelRatio)}px ui-monospace, monospace`;
            ctx.fillStyle = '#111827';
            for (const m of marks) {
              const x = plot.valToPos(m.x, 'x', true);
              const y = plot.valToPos(m.y, 'y', true);
              ctx.fillText(m.label, x + 6 * devicePixelRatio, y - 6 * devicePixelRatio);
            }
            ctx.restore();
          },
        ],
      },
    },
    [[], [], []],
    container,
  );
  followWidth(u, container, height);
  return {
    update(points, highlight) {
      const n = points.length / 2;
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => points[2 * a]! - points[2 * b]!);
      const at = new Map(highlight.map((h) => [h.index, h.label]));
      const xs = order.map((i) => points[2 * i]!);
      const all = order.map((i) => points[2 * i + 1]!);
      const marked = order.map((i) => (at.has(i) ? points[2 * i + 1]! : null));
      marks = highlight.map((h) => ({
        x: points[2 * h.index]!,
        y: points[2 * h.index + 1]!,
        label: h.label,
      }));
      u.setData([xs, all, marked]);
    },
  };
}
