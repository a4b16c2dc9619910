/**
 * Prints the outcome counts of the hostile-input sweep (`hostile-inputs.ts`), and every case that is
 * not a typed error with a hint or a correct result:
 *
 *   npx tsx --conditions=@llmforge/source test/hostile-inputs-report.ts
 */
import { createCpuBackend } from '../src/index.js';
import { classify, hostileCases, type Outcome } from './hostile-inputs.js';

const cpu = createCpuBackend();
const counts: Record<Outcome, number> = { 'typed+hint': 0, typed: 0, raw: 0, silent: 0, correct: 0 };
const cases = hostileCases(cpu);
for (const c of cases) {
  const { outcome, detail } = await classify(c);
  counts[outcome]++;
  if (outcome !== 'typed+hint' && outcome !== 'correct')
    console.log(`${outcome.padEnd(7)} ${c.area}: ${c.name} → ${detail}`);
}
console.log(
  `\n${cases.length} inputs: ${Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
cpu.dispose();
