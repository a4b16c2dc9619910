/**
 * Metrics as JSON Lines, one object per line, for any training loop:
 *
 * ```
 * {"type":"train","step":10,"loss":3.91,"lr":0.0001,"gradNorm":1.82,"tokens":7680,"tokensPerSecond":6021,"mfu":0.38,"seconds":1.3}
 * {"type":"eval","step":250,"valLoss":2.01,"valBpb":1.21,"seconds":41.7}
 * ```
 *
 * Every field of the trainer's lines is documented in the README ("Metrics"). Lines are appended
 * as they come (a crash loses at most the line being written, which the next open skips). On
 * resume from step k, lines after step k are dropped (they belong to the part of the run that the
 * checkpoint does not contain) and the file is rewritten atomically; the records are kept in memory
 * for the HTML report.
 */

import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** One metrics line: a type, a step, and numbers (or null when not measured). */
export interface MetricRecord {
  type: string;
  step: number;
  [field: string]: number | string | null;
}

/**
 * Appends metric records to a JSONL file.
 *
 * @example
 * ```ts
 * const metrics = MetricsLogger.open('runs/a/metrics.jsonl', { keepUntilStep: 0 });
 * metrics.log({ type: 'train', step: 1, loss: 4.2 });
 * metrics.records.filter((r) => r.type === 'eval');
 * ```
 */
export class MetricsLogger {
  private constructor(
    readonly path: string,
    /** Every record of the run so far (for reports). */
    readonly records: MetricRecord[],
  ) {}

  /**
   * Opens `path`: keeps the records up to step `keepUntilStep` (a resume) and drops the rest; with
   * `keepUntilStep` 0 (a new run) the file starts empty.
   */
  static open(path: string, o: { keepUntilStep: number }): MetricsLogger {
    const kept: MetricRecord[] = [];
    if (o.keepUntilStep > 0) {
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        // no metrics yet
      }
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          const r = JSON.parse(line) as MetricRecord;
          if (typeof r.step === 'number' && r.step <= o.keepUntilStep) kept.push(r);
        } catch {
          // the line a crash cut short
        }
      }
    }
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(tmp, path);
    return new MetricsLogger(path, kept);
  }

  /** Appends one record. */
  log(record: MetricRecord): void {
    this.records.push(record);
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}
