/**
 * The table printed at the end of a run: each stage, whether it ran now or was already current,
 * its wall time and its figures (drawn with cli-table3).
 *
 * ```
 * ┌───────────┬─────────┬────────┬──────────────────────────────────────────────────────┐
 * │ stage     │ status  │ time   │ figures                                              │
 * ├───────────┼─────────┼────────┼──────────────────────────────────────────────────────┤
 * │ pretrain  │ ran     │ 14m 2s │ 0.86M params, val loss 7.63 → 3.71, 2,214 tok/s    │
 * ```
 */
import { formatDuration } from '@llmforge/trainer/node';
import Table from 'cli-table3';
import type { StageOutcome } from './pipeline.js';
import { STAGE_TABLE } from './stages/index.js';

/**
 * The summary table as text.
 *
 * @example
 * ```ts
 * io.stdout.write(`${summaryTable(outcomes)}\n`);
 * ```
 */
export function summaryTable(outcomes: readonly StageOutcome[]): string {
  const table = new Table({
    head: ['stage', 'status', 'time', 'figures'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [null, null, null, 72],
  });
  for (const o of outcomes) {
    table.push([
      o.name,
      o.status === 'ran' ? 'ran' : 'current',
      formatDuration(o.manifest.seconds),
      STAGE_TABLE[o.name].summary(o.manifest.result),
    ]);
  }
  const total = outcomes.reduce((s, o) => s + (o.status === 'ran' ? o.manifest.seconds : 0), 0);
  table.push([{ colSpan: 2, content: 'ran now' }, formatDuration(total), '']);
  return table.toString();
}
