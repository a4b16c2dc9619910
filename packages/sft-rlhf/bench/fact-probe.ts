/**
 * What a base model knows: greedy continuations of the capital facts' phrasings, for the places of
 * the train split and of the held-out split separately (the split of the capital tasks).
 *
 *   tsx --conditions=@llmforge/source bench/fact-probe.ts <checkpoint dir> [--threads N]
 *
 * For every place it continues `The capital of <place> is` and `<place>:` (two of the gazetteer's
 * phrasings, `factDocuments`) and counts a fact known when the continuation starts with the
 * capital (any accepted spelling). A base model pretrained without the gazetteer knows none of the
 * held-out ones; one that read it should know both splits alike, since pretraining never sees
 * the split. Prints one line per split and phrasing.
 */

import { join } from 'node:path';
import { generate } from '@llmforge/sampler';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import { fromPretrained } from '@llmforge/transformer/node';
import { buildTasks, loadTaskData } from '../src/node.js';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir || dir.startsWith('--')) {
  console.error('usage: fact-probe.ts <checkpoint dir> [--threads N]');
  process.exit(2);
}
const ti = args.indexOf('--threads');
const backend = createCpuBackend(ti === -1 ? {} : { threads: Number(args[ti + 1]) });
const model = await fromPretrained(dir, { backend });
const tokenizer = await loadTokenizer(join(dir, 'tokenizer.json'));
const data = await loadTaskData();

const phrasings: [string, (place: string) => string][] = [
  ['The capital of P is', (p) => `The capital of ${p} is`],
  ['P:', (p) => `${p}:`],
];
for (const split of ['train', 'heldout'] as const) {
  // the closed-book family lists every place of the split once, with its accepted answers
  const tasks = buildTasks(data, { mix: { capital: 1 }, count: 1000, seed: 1, split });
  for (const [name, phrase] of phrasings) {
    let known = 0;
    const misses: string[] = [];
    for (const t of tasks) {
      const place = t.prompt.replace(/^What is the capital of /, '').replace(/\?$/, '');
      const ids = tokenizer.encode(phrase(place));
      const { sequences } = await generate(model, ids, { maxNewTokens: 12, temperature: 0 });
      const text = tokenizer.decode(sequences[0]!.slice(ids.length), { skipSpecialTokens: true }).trim();
      // the checker judges the continuation up to the sentence's end ("St. John's" is one name)
      const answer = text.split(/(?<!\bSt)\.(\s|$)/)[0]!;
      if (t.check(answer)) known++;
      else if (misses.length < 4) misses.push(`${place} → ${JSON.stringify(answer)} (${t.reference})`);
    }
    console.log(
      `${split.padEnd(7)} ${name.padEnd(20)} ${known}/${tasks.length} (${((100 * known) / tasks.length).toFixed(1)} %)  e.g. ${misses.join('; ')}`,
    );
  }
}
backend.dispose();
