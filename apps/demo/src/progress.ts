/**
 * Progress of every stage: on a terminal a cli-progress bar with the stage's figures and an ETA,
 *
 *   pretrain  ██████████░░░░░░░░░░░░░░ 600/1500 steps | loss 4.1021 · 2,214 tok/s | ETA 6m 05s
 *
 * with log lines printed above it; elsewhere (a pipe, a log file, CI) plain lines at every tenth of
 * the work (and at least every 30 s) with the same fields, since a bar redrawn with `\r` makes an
 * unreadable log. A stage's bar is also a `ProgressReporter` of @llmforge/trainer, so the trainer's
 * loop (and the post-training trainers built on it) report into it directly.
 */
import { formatDuration, type ProgressFields, type ProgressReporter } from '@llmforge/trainer/node';
import { MultiBar, type SingleBar } from 'cli-progress';
import type { ProgressMode } from './options.js';

/** The figures a stage shows beside its bar. */
export type ProgressFigures = Record<string, number | string | null | undefined>;

/** How a figure is shown: `loss 4.1021`, `2,214 tok/s`, `accuracy 81.0%`. */
function showFigure(name: string, v: number | string): string {
  if (typeof v === 'string') return `${name} ${v}`;
  if (name === 'tokensPerSecond') return `${Math.round(v).toLocaleString('en-US')} tok/s`;
  if (/accuracy|success|fraction/i.test(name)) return `${name} ${(v * 100).toFixed(1)}%`;
  if (name === 'mfu') return `MFU ${(v * 100).toFixed(1)}%`;
  const abs = Math.abs(v);
  return `${name} ${abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? v.toExponential(2) : v.toFixed(4)}`;
}

/** The figures as one short string. */
export function figuresText(f: ProgressFigures): string {
  return Object.entries(f)
    .filter((e): e is [string, number | string] => e[1] !== null && e[1] !== undefined)
    .map(([k, v]) => showFigure(k, v))
    .join(' · ');
}

/** A training loop's fields as figures: the loss, its `extra` figures (reward, KL, ...), then speed. */
function stepFigures({ loss, extra, tokensPerSecond, mfu }: ProgressFields): ProgressFigures {
  return { loss, ...extra, tokensPerSecond, mfu };
}

/** One stage's progress: a trainer `ProgressReporter`, plus `tick` for work that is not steps. */
export interface StageProgress extends ProgressReporter {
  /** Reports `done` of `total` units (a total of 0 keeps the previous one) with figures. */
  tick(done: number, figures?: ProgressFigures, total?: number): void;
}

/** Where a run's progress and messages go. */
export class DemoProgress {
  private readonly mode: 'bar' | 'lines' | 'none';
  private multi: MultiBar | null = null;

  constructor(
    mode: ProgressMode,
    readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
  ) {
    this.mode = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  }

  /** A line of text (above the bar, if one is drawn). */
  log(line: string): void {
    if (this.mode === 'none') return;
    if (this.multi) this.multi.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  /** The progress of one stage, counted in `unit`s. */
  stage(name: string, unit: string): StageProgress {
    if (this.mode === 'none') {
      return { start() {}, update() {}, tick() {}, log() {}, stop() {} };
    }
    return this.mode === 'bar' ? this.barStage(name, unit) : this.linesStage(name, unit);
  }

  private barStage(name: string, unit: string): StageProgress {
    if (!this.multi) {
      this.multi = new MultiBar({
        stream: this.stream,
        format: `{stage} {bar} {value}/{total} {unit} | {figures} | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        etaBuffer: 30,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        formatTime: (t: number) => formatDuration(t),
      });
    }
    const multi = this.multi;
    let bar: SingleBar | null = null;
    const payload = { stage: name.padEnd(9), unit, figures: '…' };
    const ensure = (total: number, at: number) => {
      if (!bar) bar = multi.create(Math.max(1, total), at, payload);
    };
    return {
      start(total, at) {
        ensure(total, at);
        bar!.setTotal(Math.max(1, total));
        bar!.update(at);
      },
      update(step, fields) {
        ensure(step, step);
        bar!.update(step, { ...payload, figures: figuresText(stepFigures(fields)) });
      },
      tick(done, figures = {}, total = 0) {
        ensure(total, done);
        if (total > 0) bar!.setTotal(total);
        bar!.update(done, { ...payload, figures: figuresText(figures) || '…' });
      },
      log: (line) => this.log(line),
      stop: () => {
        // the pipeline logs the stage's result; the next stage gets a fresh bar
        if (bar) multi.remove(bar);
        bar = null;
      },
    };
  }

  private linesStage(name: string, unit: string): StageProgress {
    const stream = this.stream;
    let total = 0;
    let from = 0;
    let t0 = performance.now();
    let lastAt = -1;
    let lastTime = 0;
    const print = (done: number, figures: ProgressFigures) => {
      const now = performance.now();
      const tenth = Math.max(1, Math.floor(total / 10));
      const due = done === total || lastAt < 0 || done - lastAt >= tenth || now - lastTime > 30_000;
      if (!due || done === lastAt) return;
      lastAt = done;
      lastTime = now;
      const rate = (now - t0) / 1000 / Math.max(1, done - from);
      const eta = total > 0 ? ` | ETA ${formatDuration(rate * (total - done))}` : '';
      const fig = figuresText(figures);
      stream.write(`${name} ${done}/${total || '?'} ${unit}${fig ? ` | ${fig}` : ''}${eta}\n`);
    };
    return {
      start(t, at) {
        total = t;
        from = at;
        t0 = performance.now();
      },
      update(step, fields) {
        print(step, stepFigures(fields));
      },
      tick(done, figures = {}, t = 0) {
        if (t > 0 && t !== total) {
          total = t;
          if (lastAt < 0) t0 = performance.now();
        }
        print(done, figures);
      },
      log: (line) => this.log(line),
      stop() {},
    };
  }

  /** Stops the bars (call once at the end). */
  stop(): void {
    this.multi?.update(); // flush the log lines cli-progress holds for its next redraw
    this.multi?.stop();
    this.multi = null;
  }
}
