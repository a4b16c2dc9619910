/**
 * The llmforge demo: the pipeline end to end on the embedded corpus (Jane Austen's six novels).
 *
 *   corpus ──► train a byte-level BPE tokenizer ──► encode ──► pretrain a small GPT ──► sample text
 *
 * Each stage is one function in `run-demo.ts` (`runDemo` runs them in order); this file only parses
 * the command line. The later stages of the full chain (SFT, reward model, PPO, chat) join when their
 * packages exist.
 *
 *   pnpm demo                       # the default run, a few minutes on 2 CPU cores
 *   pnpm demo --steps 2000          # longer pretraining
 *   pnpm demo --backend webgpu      # run the model on WebGPU (Dawn: a GPU, or llvmpipe)
 *   pnpm demo --out ./my-run        # where the tokenizer and the checkpoint go (default ./out)
 */
import { parseArgs } from 'node:util';
import { type DemoOptions, runDemo } from './run-demo.js';

const { values } = parseArgs({
  // `pnpm demo -- --steps 10` passes the `--` through: drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    steps: { type: 'string', default: '300' },
    backend: { type: 'string', default: 'cpu' },
    out: { type: 'string', default: 'out' },
    'vocab-size': { type: 'string', default: '2048' },
    seed: { type: 'string', default: '1337' },
    quiet: { type: 'boolean', default: false },
  },
});

const backend = values.backend;
if (backend !== 'cpu' && backend !== 'webgpu') {
  console.error(`demo: --backend: expected cpu or webgpu, found ${backend}`);
  process.exit(2);
}
const options: DemoOptions = {
  steps: Number(values.steps),
  backend,
  outDir: values.out,
  vocabSize: Number(values['vocab-size']),
  seed: Number(values.seed),
  log: values.quiet ? () => {} : (line: string) => console.log(line),
};
const summary = await runDemo(options);
console.log(
  `\ndemo: done in ${summary.seconds.toFixed(1)} s — tokenizer ${summary.bytesPerToken.toFixed(3)} bytes/token, ` +
    `val loss ${summary.initialValLoss.toFixed(3)} → ${summary.finalValLoss.toFixed(3)}`,
);
process.exit(0);
