/**
 * `llmforge-demo`: the whole chain from a text corpus to a chatting, RL-tuned model, one command.
 *
 * ```
 * llmforge-demo all                 every stage on the embedded corpus (target: 30 min on 2 cores)
 * llmforge-demo all --quick         the small preset (a few minutes)
 * llmforge-demo pretrain --steps 3000
 * llmforge-demo chat --show-probs
 * ```
 *
 * The command line is parsed and checked first (`options.ts`), then the run directory is opened
 * (`run-dir.ts`), the stages run in order, skipping the current ones (`pipeline.ts` over the table
 * in `stages/index.ts`), and `report.json` + `report.html` are written (`report/`). A bad flag, an
 * unusable corpus, checkpoint or run directory ends the run with one line naming it and exit code
 * 1; Ctrl-C stops after the current training step with a checkpoint (exit code 130), and the same
 * command continues. `runDemoCli(argv, io)` returns the exit code (tests run it in-process).
 */
import { existsSync } from 'node:fs';
import { LlmforgeError } from '@llmforge/errors';
import { type DemoBackend, openBackend } from './backend.js';
import { runChat } from './chat/chat.js';
import { loadCheckpoint } from './checkpoint.js';
import { STAGES, type StageName } from './config.js';
import { DemoError, DemoInputError } from './errors.js';
import { type DemoRequest, parseCommandLine, USAGE } from './options.js';
import { currentManifests, runPipeline } from './pipeline.js';
import { DemoProgress } from './progress.js';
import { writeReportHtml } from './report/report-html.js';
import { buildReport } from './report/report-json.js';
import { RunDirectory, writeJsonAtomically } from './run-dir.js';
import { STAGE_TABLE } from './stages/index.js';
import { summaryTable } from './summary.js';

/** Where the command line reads and writes (the process's streams by default). */
export interface DemoIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The process's streams. */
export function processIO(): DemoIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** The error a Ctrl-C aborts the stages with. */
function interrupted(): DemoError {
  return new DemoError({
    operation: 'llmforge-demo',
    expected: 'the stages to finish',
    found: 'an interrupt (Ctrl-C); the current stage saved a checkpoint',
    hint: 'run the same command again to continue where it stopped',
  });
}

/** The stages a command runs (their prerequisites are added by the pipeline). */
function targetsOf(req: DemoRequest): StageName[] {
  if (req.command === 'all') return ['prepare', 'tokenizer', 'pretrain', 'sft', 'reward', ...req.config.rl];
  return [req.command as StageName];
}

async function pipelineCommand(req: DemoRequest, io: DemoIO, signal: AbortSignal): Promise<number> {
  const run = await RunDirectory.open(req.run);
  const progress = new DemoProgress(req.progress, io.stderr);
  let opened: DemoBackend | null = null;
  const backend = async () => {
    if (!opened) {
      opened = await openBackend(req.backend, req.threads, (l) => progress.log(l));
      progress.log(`backend: ${opened.description}`);
    }
    return opened;
  };
  progress.log(`llmforge-demo ${req.command}: run directory ${run.dir} (${req.config.preset} preset)`);
  const targets = targetsOf(req);
  try {
    const outcomes = await runPipeline(STAGE_TABLE, targets, {
      run,
      config: req.config,
      progress,
      signal,
      backend,
      force: new Set(req.force ? (req.command === 'all' ? STAGES : targets) : []),
    });
    const report = buildReport(req.config, currentManifests(STAGE_TABLE, run, req.config));
    await writeJsonAtomically(run.path('report.json'), report);
    const html = await writeReportHtml(run, report);
    progress.stop();
    io.stdout.write(`${summaryTable(outcomes)}\n`);
    io.stdout.write(`report: ${run.path('report.json')}\n        ${html}\n`);
    if (outcomes.some((o) => o.name === 'sft' || o.name === 'pretrain')) {
      io.stdout.write(`chat with the model: llmforge-demo chat --run ${req.run}\n`);
    }
    return 0;
  } finally {
    progress.stop();
    (opened as DemoBackend | null)?.backend.dispose();
  }
}

/** The checkpoint `chat` talks to: `--checkpoint`, `--stage`, or the run's latest post-trained one. */
async function chatCheckpoint(req: DemoRequest): Promise<{ dir: string; label: string }> {
  if (req.chat.checkpoint !== null) return { dir: req.chat.checkpoint, label: req.chat.checkpoint };
  const run = await RunDirectory.open(req.run, { create: false });
  const order: StageName[] = req.chat.stage ? [req.chat.stage] : ['ppo', 'grpo', 'dpo', 'sft', 'pretrain'];
  for (const stage of order) {
    const m = run.readStage<{ checkpoint?: string }>(stage);
    if (m?.result.checkpoint)
      return { dir: run.path(stage, m.result.checkpoint), label: `the ${stage} model of ${run.dir}` };
  }
  throw new DemoInputError({
    operation: 'chat',
    file: run.dir,
    expected: req.chat.stage ? `a finished ${req.chat.stage} stage` : 'a finished pretrain, sft or RL stage',
    found: 'none in this run',
    hint: `run \`llmforge-demo ${req.chat.stage ?? 'all'} --run ${req.run}\` first, or pass --checkpoint DIR`,
  });
}

async function chatCommand(req: DemoRequest, io: DemoIO): Promise<number> {
  const { dir, label } = await chatCheckpoint(req);
  if (!existsSync(dir)) {
    throw new DemoInputError({
      operation: 'chat',
      file: dir,
      expected: 'a checkpoint folder',
      found: 'no such folder',
      hint: 'pass --checkpoint with a folder holding config.json, model.safetensors and tokenizer.json',
    });
  }
  const opened = await openBackend(req.backend, req.threads, (l) => io.stderr.write(`${l}\n`));
  try {
    const { model, tokenizer } = await loadCheckpoint(dir, opened.backend, 'llmforge-demo all');
    try {
      await runChat(
        {
          model,
          tokenizer,
          options: req.chat,
          seed: req.config.seed,
          title: `chat with ${label} (${(model.numParams() / 1e6).toFixed(2)}M parameters, ${opened.description})`,
        },
        { input: io.stdin, output: io.stdout },
      );
    } finally {
      model.dispose();
    }
  } finally {
    opened.backend.dispose();
  }
  return 0;
}

/**
 * Runs `llmforge-demo` with `argv` (without the program name); returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runDemoCli(['all', '--quick', '--run', '/tmp/demo-run']);
 * ```
 */
export async function runDemoCli(argv: readonly string[], io: DemoIO = processIO()): Promise<number> {
  const stop = new AbortController();
  const onInterrupt = () => {
    io.stderr.write(
      '\ninterrupted: stopping after the current step with a checkpoint (Ctrl-C again to quit at once)\n',
    );
    stop.abort(interrupted());
  };
  try {
    const req = parseCommandLine(argv);
    if (req.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (req.command === 'chat') return await chatCommand(req, io);
    process.once('SIGINT', onInterrupt);
    return await pipelineCommand(req, io, stop.signal);
  } catch (error) {
    if (!LlmforgeError.isInstance(error)) throw error;
    const line = error.message.replace(/\s*\n\s*/g, ' ');
    io.stderr.write(`${line.startsWith('llmforge-demo:') ? '' : 'llmforge-demo: '}${line}\n`);
    return stop.signal.aborted ? EXIT_INTERRUPTED : 1;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
