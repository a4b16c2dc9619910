/**
 * The README's examples, taken from README.md and run as programs (as a user would), from the
 * repository root: they print what the README says they print (`// → ...`), and what they print is
 * right (greedy decoding is Hugging Face's, beams come best first, the stream stops, ...).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readmeBlocks, runExample, statedOutput } from '../../../scripts/readme-examples.js';
import { greedyFixture } from './helpers/models.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = `${pkg}/README.md`;

describe('README: greedy, in five lines', () => {
  const [code] = readmeBlocks(readme, '## Greedy, in five lines');

  it('prints what the README says', () => {
    expect(runExample(pkg, code!)).toEqual(statedOutput(code!));
  });

  it('which is what HF generate(do_sample=False) returned for that prompt', async () => {
    const { prompt, output } = await greedyFixture('gpt2-tiny');
    expect(code).toContain(`[${prompt.join(', ')}]`);
    expect(statedOutput(code!)).toEqual([output.join(' ')]);
  });
});

describe('README: each strategy', () => {
  const [strategies, processors] = readmeBlocks(readme, '## Each strategy');

  it('runs every strategy and prints what the README says', () => {
    expect(runExample(pkg, strategies!)).toEqual(statedOutput(strategies!));
  });

  it('what it prints is right', () => {
    const [stop, samples, beams, logprobs, batch, streamed, resume] = statedOutput(strategies!);
    expect(stop).toMatch(/^(stop 2|stop 13|length \d+)$/); // an EOS id or the end of [13, 13] stays in
    expect(Number(samples)).toBe(4);
    const scores = beams!.split(' ').map(Number);
    expect(scores).toHaveLength(2);
    expect(scores[0]).toBeGreaterThanOrEqual(scores[1]!); // best first
    const [, logprob, top] = logprobs!.split(' ').map(Number);
    expect(logprob).toBeLessThan(0);
    expect(top).toBe(5);
    expect(batch).toBe('7 7 6 6'); // prompt-major: 2 samples of [1, 2, 3] (+4), then of [4, 5]
    expect(Number(streamed)).toBeLessThanOrEqual(4);
    expect(resume).toMatch(/^\{"seed":1234,"offset":\d+\} true$/); // a replay from offset 0 is identical
  });

  it('the processor example prints HF’s arithmetic', () => {
    expect(runExample(pkg, processors!)).toEqual(statedOutput(processors!));
    const [scores, probs] = statedOutput(processors!);
    // repetition penalty divides the positive seen logit (id 0), temperature divides all, top-2 keeps ids 0, 2
    const kept = [4 / 1.3 / 0.7, 1 / 0.7];
    expect(scores).toBe(`${kept[0]!.toFixed(4)} -Infinity ${kept[1]!.toFixed(4)} -Infinity`);
    const z = Math.exp(kept[0]!) + Math.exp(kept[1]!);
    expect(probs).toBe(
      `${(Math.exp(kept[0]!) / z).toFixed(4)} 0.0000 ${(Math.exp(kept[1]!) / z).toFixed(4)} 0.0000`,
    );
  });
});
