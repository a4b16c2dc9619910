import { rmSync } from 'node:fs';
import { train } from './src/index.js';

rmSync('/tmp/tr/run', { recursive: true, force: true });
const r = await train({
  outDir: '/tmp/tr/run',
  data: { dir: '/tmp/tr/ds' },
  model: { preset: 'tiny-gpt', nLayer: 2, contextLength: 64 },
  steps: 30,
  batchSize: 8,
  optimizer: { lr: 3e-3 },
  eval: { every: 10, batches: 4 },
  log: { every: 5, progress: 'lines' },
});
console.log(r);
