/**
 * Live progress for any training loop: on a terminal, a cli-progress bar
 *
 *   ████████████░░░░░░░░ step 1200/2000 | loss 1.7321 | 6,310 tok/s | MFU 41.2% | ETA 2m 07s
 *
 * with log lines (evaluations, checkpoints) printed above it; elsewhere (CI, a log file, a pipe)
 * plain lines every `every` steps with the same fields, since a bar redrawn with `\r` makes an
 * unreadable log.
 */

import { MultiBar, type SingleBar } from 'cli-progress';

/** The figures a loop reports at a step. */
export interface ProgressFields {
  loss: number;
  tokensPerSecond: number;
  /** Model FLOPs utilization in [0, 1], or null when the peak is unknown. */
  mfu: number | null;
  /** More figures shown after the loss, in order (e.g. `{ reward: 0.61, kl: 1.2 }` for RL loops). */
  extra?: Readonly<Record<string, number>>;
}

/** What a training loop calls. */
export interface ProgressReporter {
  /** Starts at step `at` of `total` (non-zero after a resume). */
  start(total: number, at: number): void;
  /** Reports step `step` (called every step; lines mode prints every `every` steps). */
  update(step: number, fields: ProgressFields): void;
  /** A line of text (evaluation results, checkpoints), above the bar. */
  log(line: string): void;
  stop(): void;
}

/** Options of {@link createProgressReporter}. */
export interface ProgressOptions {
  /** `auto` (bar when the stream is a TTY, else lines), `bar`, `lines` or `none`. */
  mode: 'auto' | 'bar' | 'lines' | 'none';
  /** Where to write (default `process.stderr`). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Lines mode: print every N steps (and the last). Default 10. */
  every?: number;
}

/**
 * `125` → `2m 05s`, `4000` → `1h 06m`.
 *
 * @example
 * ```ts
 * formatDuration(125); // '2m 05s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function fieldsText(f: ProgressFields): { loss: string; extra: string; tps: string; mfu: string } {
  const num = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  return {
    loss: num(f.loss),
    extra: Object.entries(f.extra ?? {})
      .map(([k, v]) => ` | ${k} ${num(v)}`)
      .join(''),
    tps: Math.round(f.tokensPerSecond).toLocaleString('en-US'),
    mfu: f.mfu === null ? 'n/a' : `${(f.mfu * 100).toFixed(1)}%`,
  };
}

/**
 * A progress reporter for the current output.
 *
 * @example
 * ```ts
 * const progress = createProgressReporter({ mode: 'auto' });
 * progress.start(2000, 0);
 * progress.update(1, { loss: 4.17, tokensPerSecond: 6000, mfu: 0.4 });
 * progress.log('step 250: val loss 2.01');
 * progress.stop();
 * ```
 */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : options.mode;
  if (mode === 'none') return { start() {}, update() {}, log() {}, stop() {} };
  if (mode === 'lines') return linesReporter(stream, options.every ?? 10);
  return barReporter(stream);
}

function linesReporter(stream: NodeJS.WritableStream, every: number): ProgressReporter {
  let total = 0;
  let from = 0;
  let t0 = 0;
  return {
    start(t, at) {
      total = t;
      from = at;
      t0 = performance.now();
    },
    update(step, f) {
      if (step % every !== 0 && step !== total) return;
      const perStep = (performance.now() - t0) / 1000 / Math.max(1, step - from);
      const x = fieldsText(f);
      stream.write(
        `step ${step}/${total} | loss ${x.loss}${x.extra} | ${x.tps} tok/s | MFU ${x.mfu} | ETA ${formatDuration(perStep * (total - step))}\n`,
      );
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {},
  };
}

function barReporter(stream: NodeJS.WritableStream): ProgressReporter {
  const multi = new MultiBar({
    stream: stream as NodeJS.WritableStream,
    format: '{bar} step {value}/{total} | loss {loss}{extra} | {tps} tok/s | MFU {mfu} | ETA {eta_formatted}',
    barsize: 24,
    hideCursor: true,
    etaBuffer: 50,
    clearOnComplete: false,
    stopOnComplete: false,
    autopadding: true,
  });
  let bar: SingleBar | null = null;
  return {
    start(total, at) {
      bar = multi.create(total, at, { loss: '…', extra: '', tps: '…', mfu: '…' });
    },
    update(step, f) {
      bar?.update(step, fieldsText(f));
    },
    log(line) {
      multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
