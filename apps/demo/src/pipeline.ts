/**
 * Running stages in order, skipping the current ones — `make` for a model:
 *
 *   for each stage the command needs (its prerequisites first, in pipeline order):
 *     hash = SHA-256(stage's config slice, the ids of the outputs of the stages it needs)
 *     current (manifest with this hash, every output file there, same size)  → skip
 *     otherwise → run in <stage>.partial/ (resuming an interrupted run of the same hash),
 *                 promote it to <stage>/, write stages/<stage>.json
 *
 * An interrupted `all` therefore continues where it stopped, and a changed flag reruns the stage it
 * affects and everything downstream, nothing upstream.
 */
import type { DemoBackend } from './backend.js';
import { type DemoConfig, STAGES, type StageName } from './config.js';
import { DemoError } from './errors.js';
import type { DemoProgress } from './progress.js';
import { type RunDirectory, type StageManifest, stageHash } from './run-dir.js';
import type { Stage } from './stage.js';

/** How a stage went in this invocation. */
export interface StageOutcome {
  name: StageName;
  /** `ran` now, or was already `current` (skipped). */
  status: 'ran' | 'current';
  manifest: StageManifest;
}

/** What {@link runPipeline} needs besides the stages. */
export interface PipelineOptions {
  run: RunDirectory;
  config: DemoConfig;
  progress: DemoProgress;
  signal: AbortSignal;
  backend(): Promise<DemoBackend>;
  /** Stages to rerun even when current. */
  force: ReadonlySet<StageName>;
}

/**
 * The stages `targets` need, prerequisites included, in pipeline order.
 *
 * @example
 * ```ts
 * withPrerequisites(table, ['sft']); // ['prepare', 'tokenizer', 'pretrain', 'sft']
 * ```
 */
export function withPrerequisites(
  table: Readonly<Record<StageName, Stage>>,
  targets: readonly StageName[],
): StageName[] {
  const wanted = new Set<StageName>();
  const visit = (s: StageName) => {
    if (wanted.has(s)) return;
    wanted.add(s);
    for (const n of table[s].needs) visit(n);
  };
  for (const t of targets) visit(t);
  return STAGES.filter((s) => wanted.has(s));
}

/**
 * The manifests of the stages whose outputs are complete and current for `config` (a stage is
 * current only when the stages it needs are).
 *
 * @example
 * ```ts
 * currentManifests(table, run, config).get('pretrain')?.result; // the pretraining figures, if current
 * ```
 */
export function currentManifests(
  table: Readonly<Record<StageName, Stage>>,
  run: RunDirectory,
  config: DemoConfig,
): Map<StageName, StageManifest> {
  const out = new Map<StageName, StageManifest>();
  for (const name of STAGES) {
    const stage = table[name];
    if (!stage.needs.every((n) => out.has(n))) continue;
    const hash = stageHash(name, stage.config(config), upstreamHashes(stage, out));
    if (run.staleReason(name, hash) === null) out.set(name, run.readStage(name)!);
  }
  return out;
}

function upstreamHashes(stage: Stage, done: ReadonlyMap<StageName, StageManifest>): Record<string, string> {
  return Object.fromEntries(stage.needs.map((n) => [n, done.get(n)!.id]));
}

/**
 * Runs `targets` and their prerequisites; returns how each went.
 *
 * @example
 * ```ts
 * const outcomes = await runPipeline(STAGE_TABLE, ['pretrain'], { run, config, progress, signal, backend, force: new Set() });
 * ```
 */
export async function runPipeline(
  table: Readonly<Record<StageName, Stage>>,
  targets: readonly StageName[],
  o: PipelineOptions,
): Promise<StageOutcome[]> {
  const done = new Map<StageName, StageManifest>();
  const outcomes: StageOutcome[] = [];
  const order = withPrerequisites(table, targets);
  for (const [i, name] of order.entries()) {
    const stage = table[name];
    const inputs = { config: stage.config(o.config), upstream: upstreamHashes(stage, done) };
    const hash = stageHash(name, inputs.config, inputs.upstream);
    const forced = o.force.has(name);
    const reason = forced ? 'forced' : o.run.staleReason(name, hash);
    const step = `[${i + 1}/${order.length}] ${name}`;
    if (reason === null) {
      const manifest = o.run.readStage(name)!;
      o.progress.log(`${step}: current, skipped (${stage.summary(manifest.result)})`);
      done.set(name, manifest);
      outcomes.push({ name, status: 'current', manifest });
      continue;
    }
    const { dir, resumable } = await o.run.partialDir(name, hash, forced);
    o.progress.log(`${step}: ${stage.title} (${resumable ? 'continuing an interrupted run' : reason})`);
    const t0 = performance.now();
    const result = await stage.run({
      run: o.run,
      config: o.config,
      dir,
      resumable,
      backend: o.backend,
      progress: o.progress,
      signal: o.signal,
      upstream: <R>(n: StageName) => {
        const m = done.get(n);
        if (!m) {
          throw new DemoError({
            operation: name,
            expected: `the ${n} stage to have run first`,
            found: 'it did not',
            hint: `list ${n} among the stage's needs`,
          });
        }
        return m as StageManifest<R>;
      },
    });
    o.signal.throwIfAborted();
    await o.run.promote(name);
    const manifest = await o.run.finishStage(name, hash, inputs, result, (performance.now() - t0) / 1000);
    o.progress.log(`${step}: done in ${manifest.seconds.toFixed(1)} s — ${stage.summary(result)}`);
    done.set(name, manifest);
    outcomes.push({ name, status: 'ran', manifest });
  }
  return outcomes;
}
