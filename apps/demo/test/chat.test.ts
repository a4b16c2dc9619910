import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemoCli } from '../src/cli.js';
import { memoryIO, tempDir } from './helpers.js';
import { chatTokenizer, scriptedCheckpoint, toolCallScript } from './scripted-model.js';

const QUESTION = 'What is 2+3?';
let checkpoint = '';

beforeAll(async () => {
  const tokenizer = await chatTokenizer();
  checkpoint = join(tempDir(), 'scripted');
  await scriptedCheckpoint(
    checkpoint,
    tokenizer,
    toolCallScript(tokenizer, QUESTION, '2+3', '5', 'The answer is 5.'),
  );
}, 60_000);

describe('chat', () => {
  it('streams the answer, runs the calculator the model calls and shows it, then continues the turn', async () => {
    const io = memoryIO(`${QUESTION}\n/quit\n`);
    expect(await runDemoCli(['chat', '--checkpoint', checkpoint], io), io.err()).toBe(0);
    const out = io.out();
    expect(out).toContain(`chat with ${checkpoint}`);
    expect(out).toContain('temperature 0.7, top-p 0.95, top-k 40 · calculator on');
    // the call as the model wrote it, the tool's result, then the rest of the answer
    expect(out).toContain('model> [calculator(2+3) → 5] The answer is 5.\n');
  });

  it('--no-tools leaves the call unanswered (the tool result is an error the model reads)', async () => {
    const io = memoryIO(`${QUESTION}\n`);
    expect(await runDemoCli(['chat', '--checkpoint', checkpoint, '--no-tools'], io)).toBe(0);
    expect(io.out()).toContain('tools off');
    expect(io.out()).not.toContain('→ 5]');
  });

  it('takes --temperature, --top-p and --top-k, and says which it uses', async () => {
    const io = memoryIO(`${QUESTION}\n`);
    const flags = ['--temperature', '1.3', '--top-p', '0.5', '--top-k', '3'];
    expect(await runDemoCli(['chat', '--checkpoint', checkpoint, ...flags], io), io.err()).toBe(0);
    expect(io.out()).toContain('temperature 1.3, top-p 0.5, top-k 3 · calculator on');
    // the scripted token keeps ~all the probability, so hot sampling with top-p/top-k still picks it
    expect(io.out()).toContain('model> [calculator(2+3) → 5] The answer is 5.\n');
  });

  it('--show-probs prints every token with its probability and the likeliest others', async () => {
    const io = memoryIO(`${QUESTION}\n`);
    expect(
      await runDemoCli(
        ['chat', '--checkpoint', checkpoint, '--show-probs', '--alternatives', '3', '--temperature', '0'],
        io,
      ),
    ).toBe(0);
    const rows = io
      .out()
      .split('\n')
      .filter((l) => /^ {2}".*%/.test(l));
    expect(rows.length).toBeGreaterThan(8);
    // the scripted token leads by ~70 logits: probability 100%, three alternatives listed
    expect(rows[0]).toMatch(
      /^ {2}"<\|call\|>" +100% \(special\) {3}others: ("[^"]*" <0\.01%, ){2}"[^"]*" <0\.01%$/,
    );
    expect(rows.at(-1)).toMatch(/^ {2}"<\|end\|>" +100% \(special\)/);
    expect(io.out()).toContain('model> The answer is 5.\n');
  });

  it('says when the conversation no longer fits the context and drops the oldest turns', async () => {
    const io = memoryIO(`${QUESTION}\n${QUESTION}\n/reset\n${'word '.repeat(80)}\n`);
    expect(await runDemoCli(['chat', '--checkpoint', checkpoint], io)).toBe(0);
    const out = io.out();
    // user, the assistant's call, the tool's result, the answer: 4 messages out, the same answer again
    expect(out).toContain(
      '(context: the oldest 4 message(s) no longer fit in 64 tokens and were dropped)\nmodel> [calculator(2+3) → 5] The answer is 5.\n',
    );
    expect(out).toContain('(new conversation)');
    expect(out).toMatch(
      /\(your message is \d+ tokens with the template; the model's context holds 64: say it shorter\)/,
    );
  });

  it('runs as a program reading piped standard input', () => {
    const bin = fileURLToPath(new URL('../bin/llmforge-demo.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'chat', '--checkpoint', checkpoint], {
      input: `${QUESTION}\n`,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('model> [calculator(2+3) → 5] The answer is 5.');
  });
});
