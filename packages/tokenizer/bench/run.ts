// `pnpm bench` entry: runs every benchmark, or those named on the command line
// (`pnpm bench encode`, `pnpm bench models`, `pnpm bench pathological`, `pnpm bench train`).
import { benchEncode } from './encode.js';
import { benchModels } from './models.js';
import { benchPathological } from './pathological.js';
import { benchTrain } from './train.js';

const benches: Record<string, () => Promise<void>> = {
  encode: benchEncode,
  models: benchModels,
  pathological: benchPathological,
  train: benchTrain,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n## ${name}\n`);
  await run();
}
