/**
 * The `llmforge-train` command line:
 *
 * ```
 * llmforge-train --config train.json               a TrainConfig as JSON or a JS module
 * llmforge-train --config train.json --resume      continue from the latest checkpoint in outDir
 * llmforge-train --config train.mjs --steps 5000 --out runs/b --progress lines
 * ```
 *
 * Flags override the config file's fields. Ctrl-C stops after the current step with a checkpoint
 * (a second Ctrl-C quits at once); `--resume` continues from it. A config that cannot work exits with code 1 and a line
 * naming the field, before any model is built. `runTrainCli(argv, io)` returns the exit code.
 */

import { parseArgs } from 'node:util';
import { type CliIO, loadConfigFile, processIO, reportError, runIfMain } from '../cli-common.js';
import { createProgressReporter } from './progress.js';
import { train } from './train.js';
import type { TrainConfig } from './train-config.js';

const USAGE = `usage: llmforge-train --config FILE [options]
  --config FILE          the run's TrainConfig: .json, or .js/.mjs with a default export
  --resume               continue from the latest checkpoint in outDir
  --out DIR              override outDir
  --steps N              override steps
  --progress MODE        auto (bar on a terminal, lines otherwise), bar, lines, none
`;

/**
 * Runs `llmforge-train` with `argv` (without the program name); returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runTrainCli(['--config', 'runs/a.json', '--resume']);
 * ```
 */
export async function runTrainCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        resume: { type: 'boolean' },
        out: { type: 'string' },
        steps: { type: 'string' },
        progress: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help || !values.config) {
      (values.help ? io.stdout : io.stderr).write(USAGE);
      return values.help ? 0 : 2;
    }
    const config = (await loadConfigFile(values.config)) as unknown as TrainConfig;
    if (values.resume) config.resume = true;
    if (values.out) config.outDir = values.out;
    if (values.steps) config.steps = Number(values.steps);
    if (values.progress) config.log = { ...config.log, progress: values.progress as 'auto' };
    const mode = config.log?.progress ?? 'auto';
    const progress = createProgressReporter({
      mode: ['auto', 'bar', 'lines', 'none'].includes(mode) ? mode : 'auto',
      stream: io.stderr,
      every: config.log?.every ?? 10,
    });
    // Ctrl-C once: finish the step, checkpoint, stop (resume later with --resume); twice: quit now
    const stop = new AbortController();
    const onInterrupt = () => {
      progress.log('interrupted: stopping after this step with a checkpoint (Ctrl-C again to quit at once)');
      stop.abort();
    };
    process.once('SIGINT', onInterrupt);
    let r: Awaited<ReturnType<typeof train>>;
    try {
      r = await train(config, { progress, signal: stop.signal });
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
    io.stdout.write(
      `trained ${r.steps} steps in ${r.seconds.toFixed(1)} s: train loss ${r.trainLoss.toFixed(4)}, val loss ${r.valLoss.toFixed(4)}` +
        `${r.valBpb === null ? '' : `, ${r.valBpb.toFixed(4)} bits/byte`}\ncheckpoint ${r.checkpoint}\n`,
    );
    return 0;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      io.stderr.write(`llmforge-train: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    return reportError('llmforge-train', error, io);
  }
}

runIfMain(import.meta.url, (argv) => runTrainCli(argv));
