/**
 * A folder of numbered checkpoints for any training loop (pretraining here, SFT and RLHF in
 * @llmforge/sft-rlhf): each `step-000100/` is written as a whole with tensor-gpu's
 * `writeDirectoryAtomically` (temporary sibling, fsync, rename), so every `step-*` directory that
 * exists is complete, and a crash at any moment leaves the previous ones loadable.
 *
 * ```
 * checkpoints/
 *   step-000100/   ← whatever the loop writes, plus checkpoint.json { step, metric }
 *   step-000200/
 *   .step-000300.tmp-4242-x8k2/   ← a save in progress (or orphaned by a crash: removed by recover())
 * ```
 *
 * Retention: the last `keepLast` checkpoints, plus the one with the lowest `metric` (validation
 * loss) when `keepBest`. A pruned checkpoint is first renamed to a `.trash-` name (atomic) and then
 * removed, so a crash during removal never leaves a half-deleted `step-*` directory.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverDirectory, writeDirectoryAtomically } from '@llmforge/tensor-gpu/node';
import { TrainerCheckpointError } from '../errors.js';

/** The marker file the manager writes into every checkpoint. */
export const CHECKPOINT_FILE = 'checkpoint.json';

/** One complete checkpoint on disk. */
export interface CheckpointEntry {
  step: number;
  dir: string;
  /** Lower is better (validation loss), or null when none was measured at this step. */
  metric: number | null;
}

/** Options of {@link CheckpointManager}. */
export interface CheckpointManagerOptions {
  keepLast: number;
  keepBest: boolean;
}

const STEP_DIR = /^step-(\d+)$/;
const LEFTOVER = /^\.(step-\d+)\.(tmp|new|old)-\d+-[a-z0-9]+$/;
const TRASH = /^\.step-\d+\.trash-\d+-[a-z0-9]+$/;

/**
 * Saves, lists, prunes and finds checkpoints in one folder.
 *
 * @example
 * ```ts
 * const ckpts = new CheckpointManager('runs/a/checkpoints', { keepLast: 2, keepBest: true });
 * await ckpts.recover();                         // finish or clean what a crash left
 * await ckpts.save(100, async (dir) => { await savePretrained(model, dir); }, valLoss);
 * const latest = ckpts.latest();                 // { step: 100, dir: '.../step-000100', metric }
 * ```
 */
export class CheckpointManager {
  constructor(
    readonly dir: string,
    readonly options: CheckpointManagerOptions,
  ) {}

  /** The directory of step `step`. */
  stepDir(step: number): string {
    return join(this.dir, `step-${String(step).padStart(6, '0')}`);
  }

  /**
   * Cleans up after a crashed process: interrupted saves are finished or rolled back (see
   * `recoverDirectory`), temporary and trash directories of dead processes are removed.
   */
  async recover(): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return; // no folder yet: nothing to recover
    }
    const bases = new Set<string>();
    for (const name of names) {
      const m = LEFTOVER.exec(name);
      if (m) bases.add(m[1]!);
      if (TRASH.test(name)) await rm(join(this.dir, name), { recursive: true, force: true });
    }
    for (const base of bases) await recoverDirectory(join(this.dir, base));
  }

  /**
   * Writes checkpoint `step` atomically: `write(tmpDir)` fills it, then the manager adds
   * `checkpoint.json` and puts it in place; then prunes old ones. Returns its directory.
   */
  async save(
    step: number,
    write: (dir: string) => Promise<void>,
    metric: number | null = null,
  ): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const dir = this.stepDir(step);
    await writeDirectoryAtomically(dir, async (tmp) => {
      await write(tmp);
      await writeFile(join(tmp, CHECKPOINT_FILE), `${JSON.stringify({ step, metric })}\n`);
    });
    await this.prune();
    return dir;
  }

  /** Every complete checkpoint, oldest first. */
  list(): CheckpointEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: CheckpointEntry[] = [];
    for (const name of names) {
      const m = STEP_DIR.exec(name);
      if (!m) continue;
      const dir = join(this.dir, name);
      try {
        const info = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')) as {
          step: number;
          metric: number | null;
        };
        out.push({ step: info.step, dir, metric: info.metric });
      } catch {
        // not written by the manager (a copy made by hand): not a checkpoint it manages
      }
    }
    return out.sort((a, b) => a.step - b.step);
  }

  /** The newest checkpoint, or null. */
  latest(): CheckpointEntry | null {
    const all = this.list();
    return all[all.length - 1] ?? null;
  }

  /** The checkpoint with the lowest metric, or null. */
  best(): CheckpointEntry | null {
    let best: CheckpointEntry | null = null;
    for (const c of this.list())
      if (c.metric !== null && (best === null || c.metric < best.metric!)) best = c;
    return best;
  }

  /** Removes checkpoints beyond the last `keepLast` (keeping the best when `keepBest`). */
  async prune(): Promise<void> {
    const all = this.list();
    const keep = new Set(all.slice(-this.options.keepLast).map((c) => c.step));
    const best = this.options.keepBest ? this.best() : null;
    if (best) keep.add(best.step);
    for (const c of all) {
      if (keep.has(c.step)) continue;
      const trash = join(
        this.dir,
        `.step-${String(c.step).padStart(6, '0')}.trash-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
      );
      await rename(c.dir, trash);
      await rm(trash, { recursive: true, force: true });
    }
  }

  /** The checkpoint of `step`, or a typed error listing the ones that exist. */
  find(step: number): CheckpointEntry {
    const all = this.list();
    const hit = all.find((c) => c.step === step);
    if (hit) return hit;
    throw new TrainerCheckpointError({
      operation: 'CheckpointManager.find',
      file: this.dir,
      expected: `a checkpoint of step ${step}`,
      found: all.length === 0 ? 'no checkpoints' : `steps ${all.map((c) => c.step).join(', ')}`,
    });
  }
}
