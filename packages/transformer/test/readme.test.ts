/**
 * The README's examples, taken from README.md and run as programs (as a user would), from the
 * repository root: what they print must be what the README says they print (`// → ...`).
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { readmeBlocks, runExample, statedOutput } from '../../../scripts/readme-examples.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const blocks = readmeBlocks(`${pkg}/README.md`, '## A loss in ten lines');

it('has the three examples, each stating its output', () => {
  expect(blocks).toHaveLength(3);
  expect(blocks[0]).toContain("fromPretrained('fixtures/gpt2-tiny'");
  expect(blocks[2]).toContain('new AdamW');
  for (const code of blocks) expect(statedOutput(code).length).toBeGreaterThan(0);
});

for (const [i, what] of ['loads the fixture and computes a loss', 'creates a model', 'trains'].entries()) {
  it(`example ${i + 1} ${what} and prints what the README says`, () => {
    const code = blocks[i]!;
    expect(runExample(pkg, code)).toEqual(statedOutput(code));
  });
}

it('the training example learns: the stated loss falls below a tenth of ln 64 by step 30', () => {
  const losses = statedOutput(blocks[2]!).map((line) => Number(/loss ([\d.]+)/.exec(line)![1]));
  expect(losses).toHaveLength(3);
  expect(losses[2]!).toBeLessThan(0.1 * Math.log(64));
  expect(losses[2]!).toBeLessThan(losses[0]!);
});
