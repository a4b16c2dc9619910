/**
 * What a base model knows: greedy continuations of the capital facts' phrasings, for the places of
 * the train split and of the held-out split separately (the split of the capital tasks).
 *
 *   tsx --conditions=@llmforge/source bench/fact-probe.ts <checkpoint dir> [--threads N]
 *
 * For every place it continues `The capital of <place> is`, `<place>:` and `What is the capital of
 * <place>?` (three of the gazetteer's phrasings, `factDocuments`) and counts a fact known when the continuation starts with the
 * capital (any accepted spelling). A base model pretrained without the gazetteer knows none of the
 * held-out ones; one that read it should know both splits alike, since pretraining never sees
 * the split. Then it asks the closed-book `capital` and the `capital-lookup` tasks in the chat
 * format (greedy, checker-judged, as the held-out set is judged): what an SFT model can still say
 * of what it knows. Prints one line per split and probe.
 */

import { join } from 'node:path';
import { generate } from '@llmforge/sampler';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import { fromPretrained } from '@llmforge/transformer/node';
import { buildTasks, evaluateTasks, loadTaskData } from '../src/node.js';

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
  ['What is the capital of P?', (p) => `What is the capital of ${p}?`],
];
function line(split: string, name: string, known: number, total: number, misses: string[]): void {
  console.log(
    `${split.padEnd(7)} ${name.padEnd(26)} ${known}/${total} (${((100 * known) / total).toFixed(1)} %)  e.g. ${misses.join('; ')}`,
  );
}

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
    line(split, name, known, tasks.length, misses);
  }
  // the same knowledge asked in the chat format, as SFT and the held-out tasks ask it (greedy,
  // checker-judged): 0 for a base model that never saw the chat tokens; what SFT keeps of it
  for (const [name, mix] of [
    ['chat: capital', { capital: 1 }],
    ['chat: capital-lookup', { 'capital-lookup': 1 }],
  ] as const) {
    const asked = buildTasks(data, { mix, count: tasks.length, seed: 1, split, repeat: true });
    const ev = await evaluateTasks(model, tokenizer, asked, { keepSamples: 4 });
    const misses = ev.samples
      .filter((j) => !j.correct)
      .map(
        (j) =>
          `${j.prompt.replace(/^.*What is the capital of /, '')} → ${JSON.stringify(j.answer)} (${j.reference})`,
      );
    line(split, name, ev.solved, ev.total, misses);
  }
}
backend.dispose();
