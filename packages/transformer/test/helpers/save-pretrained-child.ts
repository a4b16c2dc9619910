/**
 * Child process of the savePretrained kill test: saves versions start, start+1, ... of one
 * checkpoint directory forever, printing `saved <v>` after each save returns. Version v is a model
 * whose vocabulary size depends on v's parity (so new weights with an old config.json do not load)
 * and whose final-norm gain is v everywhere (so the version read back is known).
 *
 *   SAVE_CHILD=1 node script.mjs <dir> <startVersion>
 */
import { assignHost, type Backend, createCpuBackend, noGrad } from '@llmforge/tensor-gpu';
import { createModel, type Model } from '../../src/model.js';
import { savePretrained } from '../../src/node.js';

/** The config of version v: the vocabulary alternates between two sizes. */
export const configOf = (v: number) => ({
  vocabSize: 3000 + (v % 2) * 64,
  contextLength: 16,
  nLayer: 1,
  nHead: 2,
  nEmbd: 32,
});

/** The model of version v. */
export function modelOf(v: number, backend: Backend): Model {
  const model = createModel(configOf(v), { backend, seed: v % 1000 });
  noGrad(() => assignHost(model.lnf.weight!, new Float32Array(32).fill(v)));
  return model;
}

/** The version a loaded model holds (its final-norm gain), checking that every entry agrees. */
export async function versionOf(model: Model): Promise<number> {
  const gain = Array.from(await model.lnf.weight!.data());
  if (!gain.every((g) => g === gain[0])) throw new Error(`mixed final-norm gain ${gain.join(',')}`);
  return gain[0]!;
}

const [dir, start] = process.argv.slice(2);
if (process.env.SAVE_CHILD === '1' && dir !== undefined && start !== undefined) {
  const backend = createCpuBackend();
  process.stdout.write('ready\n');
  for (let v = Number(start); ; v++) {
    await savePretrained(modelOf(v, backend), dir);
    process.stdout.write(`saved ${v}\n`);
  }
}
