/**
 * The run directory: everything a run produces, and what lets an interrupted run continue.
 *
 * ```
 * runs/default/
 *   run.json                 the run manifest: format "llmforge-demo-run", its version, when created
 *   stages/<stage>.json      a stage manifest per finished stage: the hash of what produced it,
 *                            its output files with their sizes, its result (figures, samples)
 *   prepare/ tokenizer/ pretrain/ sft/ reward/ ppo/ grpo/ dpo/    each stage's outputs
 *   <stage>.partial/         a stage at work (or interrupted: the next run continues it)
 *   report.json report.html  the figures of every stage, and the page with plots and samples
 * ```
 *
 * A stage is *current* when its manifest exists, its hash equals the hash of the config and of the
 * upstream manifests it would be run with now, and every output file it listed is there with the
 * same size. A current stage is skipped; anything else is run again (an interrupted stage resumes
 * where its trainer checkpointed). Every JSON file is written atomically (temporary file, rename).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describeCause } from '@llmforge/errors';
import { DemoInputError, RunDirectoryError } from './errors.js';

/** The run manifest's format name and version; a run directory of another version is refused. */
export const RUN_FORMAT = 'llmforge-demo-run';
export const RUN_VERSION = 1;
/** The stage manifests' format name (versioned with the run). */
export const STAGE_FORMAT = 'llmforge-demo-stage';

/** `run.json`. */
export interface RunManifest {
  format: typeof RUN_FORMAT;
  version: number;
  created: string;
}

/** One output file of a stage, relative to the run directory. */
export interface StageOutput {
  path: string;
  bytes: number;
}

/** `stages/<stage>.json`: what a finished stage produced and from what. */
export interface StageManifest<R = unknown> {
  format: typeof STAGE_FORMAT;
  version: number;
  stage: string;
  /** SHA-256 of the stage's config and of the ids of the upstream outputs it was made from. */
  hash: string;
  /**
   * This output's id (new at every completion): the stages after it hash it, so they rerun when
   * this stage reran, even with the same settings (`--force`).
   */
  id: string;
  /** The hashed inputs, for a reader wondering why a stage reran. */
  inputs: unknown;
  outputs: StageOutput[];
  result: R;
  seconds: number;
  finished: string;
}

/**
 * JSON with object keys sorted at every level: equal values give equal text, so equal hashes.
 *
 * @example
 * ```ts
 * stableJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 * ```
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * The hash that decides whether a stage is current.
 *
 * @example
 * ```ts
 * stageHash('pretrain', { steps: 1500 }, { tokenizer: '<id of the tokenizer output>' }); // 64 hex digits
 * ```
 */
export function stageHash(stage: string, config: unknown, upstream: Record<string, string>): string {
  return createHash('sha256')
    .update(stableJson({ stage, version: RUN_VERSION, config, upstream }))
    .digest('hex');
}

/**
 * Writes `value` as JSON to `path` atomically (a temporary sibling, then a rename).
 *
 * @example
 * ```ts
 * await writeJsonAtomically('runs/a/report.json', { ok: true });
 * ```
 */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

function errorCode(e: unknown): string | undefined {
  return (e as { code?: string } | null)?.code;
}

/** Every file below `dir`, relative to `root`, with its size. */
function listFiles(root: string, dir: string): StageOutput[] {
  const out: StageOutput[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(root, path));
    else if (entry.isFile()) out.push({ path: relative(root, path), bytes: statSync(path).size });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Why a stage is not current, or null when it is. */
export type StaleReason = null | 'never run' | 'inputs changed' | string;

/**
 * An opened run directory.
 *
 * @example
 * ```ts
 * const run = await RunDirectory.open('runs/default');
 * run.path('tokenizer', 'tokenizer.json'); // 'runs/default/tokenizer/tokenizer.json'
 * ```
 */
export class RunDirectory {
  private constructor(
    /** The directory, absolute. */
    readonly dir: string,
    readonly manifest: RunManifest,
  ) {}

  /**
   * Opens `dir` as a run directory, creating it (and `run.json`) when it does not exist or is empty
   * (unless `create` is false: then it must hold a run).
   * Refuses, changing nothing, a directory that cannot be written, a non-empty folder without
   * `run.json`, and a run of another format version.
   */
  static async open(dir: string, options: { create: boolean } = { create: true }): Promise<RunDirectory> {
    const abs = resolve(dir);
    const manifestPath = join(abs, 'run.json');
    if (!options.create && !existsSync(manifestPath)) {
      throw new RunDirectoryError({
        operation: 'open run directory',
        file: abs,
        expected: 'a demo run (a folder with run.json)',
        found: existsSync(abs) ? 'a folder without run.json' : 'no such folder',
        hint: 'run `llmforge-demo all` first (or pass --run with the run directory, or --checkpoint with a checkpoint)',
      });
    }
    const fail = (expected: string, found: string, hint: string, file = abs, cause?: unknown): never => {
      throw new RunDirectoryError({
        operation: 'open run directory',
        file,
        expected,
        found,
        hint,
        ...(cause === undefined ? {} : { cause }),
      });
    };
    let manifest: RunManifest | null = null;
    if (existsSync(manifestPath)) {
      let parsed: Partial<RunManifest>;
      try {
        parsed = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<RunManifest>;
      } catch (cause) {
        return fail(
          `a ${RUN_FORMAT} manifest`,
          describeCause(cause),
          'choose another --run directory, or delete this one to start over',
          manifestPath,
          cause,
        );
      }
      if (parsed.format !== RUN_FORMAT || parsed.version !== RUN_VERSION) {
        fail(
          `a run of ${RUN_FORMAT} version ${RUN_VERSION}`,
          `${String(parsed.format)} version ${String(parsed.version)}`,
          'this run was made by another version of llmforge-demo: choose a new --run directory (or delete this one to start over)',
          manifestPath,
        );
      }
      manifest = parsed as RunManifest;
    } else if (existsSync(abs)) {
      let entries: string[] = [];
      try {
        if (!statSync(abs).isDirectory())
          throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        entries = readdirSync(abs);
      } catch (cause) {
        fail('a directory', describeCause(cause), 'choose another --run directory', abs, cause);
      }
      if (entries.length > 0) {
        fail(
          'an empty folder or a demo run (with run.json)',
          `a folder with ${entries.length} entries and no run.json`,
          'choose a new --run directory: the demo does not write into folders it did not create',
        );
      }
    }
    if (!options.create) return new RunDirectory(abs, manifest!);
    // writable? (a probe file, removed at once)
    const probe = join(abs, `.write-test-${process.pid}`);
    try {
      await mkdir(abs, { recursive: true });
      await writeFile(probe, '');
      await rm(probe, { force: true });
    } catch (cause) {
      fail(
        'a directory the demo can write',
        `${errorCode(cause) ?? 'an error'} (${describeCause(cause)})`,
        'pass --run with a writable directory',
        abs,
        cause,
      );
    }
    if (manifest === null) {
      manifest = { format: RUN_FORMAT, version: RUN_VERSION, created: new Date().toISOString() };
      await writeJsonAtomically(manifestPath, manifest);
    }
    await mkdir(join(abs, 'stages'), { recursive: true });
    return new RunDirectory(abs, manifest);
  }

  /** A path inside the run directory. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** A path relative to the run directory (for manifests and messages). */
  relative(path: string): string {
    return relative(this.dir, path);
  }

  private manifestPath(stage: string): string {
    return this.path('stages', `${stage}.json`);
  }

  /** The stage's manifest, or null when it never finished (or its manifest is unreadable). */
  readStage<R>(stage: string): StageManifest<R> | null {
    try {
      const m = JSON.parse(readFileSync(this.manifestPath(stage), 'utf8')) as StageManifest<R>;
      return m.format === STAGE_FORMAT && m.version === RUN_VERSION && m.stage === stage ? m : null;
    } catch {
      return null;
    }
  }

  /** Why `stage` must run with `hash`, or null when its outputs are complete and current. */
  staleReason(stage: string, hash: string): StaleReason {
    const m = this.readStage(stage);
    if (m === null) return 'never run';
    if (m.hash !== hash) return 'inputs changed';
    for (const o of m.outputs) {
      let bytes = -1;
      try {
        bytes = statSync(this.path(o.path)).size;
      } catch {
        return `${o.path} is missing`;
      }
      if (bytes !== o.bytes) return `${o.path} changed size (${o.bytes} → ${bytes} bytes)`;
    }
    return null;
  }

  /** Records a finished (promoted) stage: its outputs are every file below `<stage>/`. */
  async finishStage<R>(
    stage: string,
    hash: string,
    inputs: unknown,
    result: R,
    seconds: number,
  ): Promise<StageManifest<R>> {
    const outputs = listFiles(this.dir, this.path(stage));
    const m: StageManifest<R> = {
      format: STAGE_FORMAT,
      version: RUN_VERSION,
      stage,
      hash,
      id: randomUUID(),
      inputs,
      outputs,
      result,
      seconds,
      finished: new Date().toISOString(),
    };
    await writeJsonAtomically(this.manifestPath(stage), m);
    return m;
  }

  /**
   * The folder a stage runs in, `<stage>.partial/`: kept when it holds an interrupted run with the
   * same hash (the stage resumes from its checkpoints; not with `fresh`), emptied otherwise. The
   * stage's finished output in `<stage>/` stays untouched until {@link promote} replaces it.
   */
  async partialDir(
    stage: string,
    hash: string,
    fresh: boolean,
  ): Promise<{ dir: string; resumable: boolean }> {
    const dir = this.path(`${stage}.partial`);
    const marker = join(dir, '.stage-hash');
    let resumable = false;
    try {
      resumable = !fresh && readFileSync(marker, 'utf8').trim() === hash;
    } catch {
      // no interrupted run
    }
    if (!resumable) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(marker, `${hash}\n`);
    }
    return { dir, resumable };
  }

  /**
   * Puts a finished `<stage>.partial/` in place of `<stage>/` (the previous output is renamed
   * aside first and removed last: a crash in between leaves the partial folder, which resumes).
   */
  async promote(stage: string): Promise<string> {
    const dir = this.path(stage);
    const old = this.path(`${stage}.old`);
    await rm(old, { recursive: true, force: true });
    if (existsSync(dir)) await rename(dir, old);
    await rename(this.path(`${stage}.partial`), dir);
    await rm(old, { recursive: true, force: true });
    return dir;
  }
}

/**
 * A file a stage needs from an earlier one; throws a {@link DemoInputError} naming it when absent.
 *
 * @example
 * ```ts
 * const tok = requireFile(run.path('tokenizer', 'tokenizer.json'), 'llmforge-demo tokenizer');
 * ```
 */
export function requireFile(path: string, rerun: string): string {
  if (!existsSync(path)) {
    throw new DemoInputError({
      operation: 'llmforge-demo',
      file: path,
      expected: 'a file an earlier stage wrote',
      found: 'nothing there',
      hint: `run \`${rerun}\` to make it again`,
    });
  }
  return path;
}
