/**
 * A self-contained HTML report for any training loop: line and grouped-bar charts (drawn with
 * uPlot, whose script and stylesheet are inlined into the file, so it opens offline, from a laptop
 * or an artefact store), a table of key/value rows, and titled tables of text (sample generations,
 * per-task results). The trainer rewrites `report.html` beside the checkpoints
 * at every evaluation, atomically (a temporary file, then a rename), so a browser reload never sees
 * half a file.
 */

import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** One line of a chart: [x, y] points. */
export interface ReportSeries {
  label: string;
  points: readonly (readonly [number, number])[];
  /** A CSS colour (default from a palette). */
  color?: string;
}

/** One chart. */
export interface ReportChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ReportSeries[];
  /** Logarithmic y axis. */
  logY?: boolean;
  /**
   * `line` (default), or `bars`: grouped bars, one group per category; point `[k, y]` of a series
   * is its bar in group k (0-based), labelled `categories[k]` on the x axis.
   */
  kind?: 'line' | 'bars';
  /** Labels of the bar groups (`kind: 'bars'`). */
  categories?: readonly string[];
  /** A fixed y range, e.g. `[0, 1]` for rates. */
  yRange?: readonly [number, number];
}

/** A titled table of text cells, shown after the charts (cells keep their line breaks). */
export interface ReportSection {
  title: string;
  /** A paragraph above the table. */
  note?: string;
  columns: readonly string[];
  rows: readonly (readonly string[])[];
}

/** The content of a report. */
export interface HtmlReport {
  title: string;
  /** A line under the title (status, time). */
  subtitle?: string;
  charts: readonly ReportChart[];
  /** Rows of the summary table. */
  table?: readonly (readonly [string, string])[];
  /** Tables of text after the charts. */
  sections?: readonly ReportSection[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

let uplotAssets: { js: string; css: string } | null = null;

/** uPlot's minified script and stylesheet, read once from the installed package. */
function assets(): { js: string; css: string } {
  if (uplotAssets) return uplotAssets;
  const require = createRequire(import.meta.url);
  uplotAssets = {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplotAssets;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe to put inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/**
 * The report as an HTML string.
 *
 * @example
 * ```ts
 * const html = renderHtmlReport({
 *   title: 'run a',
 *   charts: [{ title: 'loss', xLabel: 'step', yLabel: 'loss', series: [{ label: 'train', points: [[1, 4.2], [2, 3.9]] }] }],
 * });
 * ```
 */
export function renderHtmlReport(report: HtmlReport): string {
  const { js, css } = assets();
  const charts = report.charts.map((c) => ({
    ...c,
    series: c.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] })),
  }));
  const rows = (report.table ?? [])
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  const sections = (report.sections ?? [])
    .map(
      (s) =>
        `<h2>${escapeHtml(s.title)}</h2>${s.note ? `<p>${escapeHtml(s.note)}</p>` : ''}<table class="grid">` +
        `<tr>${s.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>` +
        s.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n') +
        '</table>',
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${css}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } .sub { color: #666; margin-bottom: 16px; }
.chart { margin: 16px 0; } .chart h2 { font-size: 15px; margin: 0 0 4px; }
table { border-collapse: collapse; margin-top: 16px; } th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; } td { font-family: ui-monospace, monospace; white-space: pre-wrap; }
h2 { font-size: 16px; margin: 24px 0 4px; } table.grid th { white-space: normal; } table.grid td { max-width: 360px; }
</style>
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
<div class="sub">${escapeHtml(report.subtitle ?? '')}</div>
<div id="charts"></div>
<table>${rows}</table>
${sections}
<script>${js}</script>
<script>
const charts = ${scriptJson(charts)};
for (const c of charts) {
  // uPlot wants one shared x array: merge the series' x values, null where a series has no point
  const xs = [...new Set(c.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = c.series.map((s) => { const y = new Array(xs.length).fill(null); for (const [x, v] of s.points) y[at.get(x)] = v; return y; });
  const box = document.createElement('div'); box.className = 'chart';
  box.innerHTML = '<h2></h2>'; box.firstChild.textContent = c.title;
  document.getElementById('charts').appendChild(box);
  const width = Math.min(900, window.innerWidth - 48);
  const y = c.yRange ? { range: c.yRange } : c.logY ? { distr: 3 } : {};
  if (c.kind === 'bars') {
    // grouped bars: group k spans [k - 0.4, k + 0.4], series i draws the i-th slice of it
    const n = c.series.length, w = 0.8 / n, cats = c.categories || [];
    new uPlot({
      width, height: 320,
      scales: { x: { time: false, range: [-0.6, cats.length - 0.4] }, y },
      axes: [
        { label: c.xLabel, splits: () => cats.map((_, k) => k), values: (u, sp) => sp.map((k) => cats[k] ?? ''), rotate: cats.length > 6 ? -40 : 0, size: cats.length > 6 ? 90 : 50 },
        { label: c.yLabel },
      ],
      series: [{ label: c.xLabel, value: (u, k) => cats[k] ?? '' }, ...c.series.map((s, i) => ({
        label: s.label, stroke: s.color, fill: s.color, width: 1, points: { show: false },
        paths: uPlot.paths.bars({ disp: { x0: { unit: 1, values: (u) => u.data[0].map((k) => k - 0.4 + i * w) }, size: { unit: 1, values: () => [w] } } }),
      }))],
    }, [xs, ...ys], box);
    continue;
  }
  new uPlot({
    width, height: 300,
    scales: { x: { time: false }, y },
    axes: [{ label: c.xLabel }, { label: c.yLabel }],
    series: [{ label: c.xLabel }, ...c.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: s.points.length < 60 } }))],
  }, [xs, ...ys], box);
}
</script>
</body>
</html>
`;
}

/**
 * Writes the report to `path` atomically.
 *
 * @example
 * ```ts
 * await writeHtmlReport('runs/a/report.html', { title: 'run a', charts: [lossChart] });
 * ```
 */
export async function writeHtmlReport(path: string, report: HtmlReport): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  await writeFile(tmp, renderHtmlReport(report));
  await rename(tmp, path);
}
