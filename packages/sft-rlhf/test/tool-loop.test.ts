import { createCpuBackend } from '@llmforge/tensor-gpu';
import { createModel } from '@llmforge/transformer';
import { describe, expect, it } from 'vitest';
import {
  ChatFormat,
  type ChatMessage,
  findToolCall,
  formatToolCall,
  parseToolCall,
  runToolLoop,
  samplerGenerate,
  ToolCallError,
  type ToolLoopGenerate,
} from '../src/index.js';
import { tinyConfig, useChatFormat } from './helpers/chat.js';

const chat = useChatFormat();
const plain = (t: string) => chat.plain(t);
const id = (t: string) => chat.id(t);

/**
 * A scripted model: round k returns `rounds[k]` up to and including the first stop sequence it
 * meets (as the sampler stops), and records the context and stops it was given.
 */
function scripted(rounds: number[][]) {
  const seen: { context: number[]; stop: number[][]; maxNewTokens: number }[] = [];
  const generate: ToolLoopGenerate = async (context, { stop, maxNewTokens }) => {
    seen.push({ context: [...context], stop, maxNewTokens });
    const script = rounds[seen.length - 1] ?? [];
    const out: number[] = [];
    for (const t of script) {
      if (out.length === maxNewTokens) return { tokens: out, finishReason: 'length' };
      out.push(t);
      if (stop.some((s) => s.every((x, k) => out[out.length - s.length + k] === x)))
        return { tokens: out, finishReason: 'stop' };
    }
    return { tokens: out, finishReason: 'length' };
  };
  return { generate, seen };
}

const call = (body: string) => [id('<|call|>'), ...plain(body), id('<|/call|>')];
const answer = (text: string) => [...plain(text), id('<|end|>')];

describe('tool-call syntax', () => {
  it('formats, finds and parses calls', () => {
    const text = formatToolCall({ name: 'calculator', arguments: '6*7' });
    expect(text).toBe('<|call|>calculator(6*7)<|/call|>');
    expect(findToolCall(`Let me see. ${text}`)).toEqual({
      body: 'calculator(6*7)',
      start: 12,
      end: 12 + text.length,
    });
    expect(findToolCall('<|call|>calculator(6*')).toBeNull();
    expect(findToolCall('calculator(6*7)<|/call|>')).toBeNull();
    expect(parseToolCall('calculator((1+2)*3)')).toEqual({ name: 'calculator', arguments: '(1+2)*3' });
    expect(() => parseToolCall('347*29')).toThrow(ToolCallError);
    expect(() => parseToolCall('calc(1) extra')).toThrow(/expected a call written name\(arguments\)/);
  });
});

describe('runToolLoop with a scripted model', () => {
  const question: ChatMessage[] = [{ role: 'user', content: 'What is 12*7?' }];

  it('stops on the call, runs the calculator, splices the tool turn, resumes, and matches the training render', async () => {
    const { generate, seen } = scripted([
      [...plain('Let me compute.'), ...call('calculator(12*7)'), 999],
      answer('84'),
    ]);
    const prompt = chat.format.prompt(question);
    const out = await runToolLoop(chat.format, generate, prompt, { maxNewTokens: 64 });
    expect(out.finishReason).toBe('stop');
    expect(out.answer).toBe('84');
    expect(out.calls).toEqual([
      { body: 'calculator(12*7)', call: { name: 'calculator', arguments: '12*7' }, result: '84' },
    ]);
    // round 2 saw round 1's context + the generated call + <|end|><|tool|>84<|end|><|assistant|>
    const round1 = [...plain('Let me compute.'), ...call('calculator(12*7)')];
    expect(seen[1]!.context).toEqual([
      ...prompt,
      ...round1,
      ...chat.format.closeTurnIds(),
      ...chat.format.toolResultIds('84'),
    ]);
    expect(seen[0]!.stop).toEqual([[id('<|/call|>')], [id('<|end|>')]]);
    expect(seen[1]!.maxNewTokens).toBe(64 - round1.length);
    // the whole exchange is exactly what SFT trains on
    const trained = chat.format.render({ id: 'x', messages: [...question, ...out.messages] });
    expect(out.ids).toEqual(trained.ids);
    expect(out.messages).toEqual([
      {
        role: 'assistant',
        content: 'Let me compute.',
        toolCalls: [{ name: 'calculator', arguments: '12*7' }],
      },
      { role: 'tool', content: '84' },
      { role: 'assistant', content: '84' },
    ]);
    // generated tokens are 1, spliced ones 0
    const spliced = chat.format.closeTurnIds().length + chat.format.toolResultIds('84').length;
    expect(out.responseMask).toEqual([
      ...round1.map(() => 1),
      ...new Array(spliced).fill(0),
      ...answer('84').map(() => 1),
    ]);
    expect(out.ids.length - out.promptLength).toBe(out.responseMask.length);
  });

  it('answers without a tool when the model does not call one', async () => {
    const { generate, seen } = scripted([answer('Paris')]);
    const out = await runToolLoop(
      chat.format,
      generate,
      chat.format.prompt([{ role: 'user', content: 'Capital of France?' }]),
    );
    expect(out).toMatchObject({ answer: 'Paris', calls: [], finishReason: 'stop' });
    expect(seen).toHaveLength(1);
  });

  it('reports tool errors to the model as the tool result and lets it continue', async () => {
    const { generate, seen } = scripted([
      call('calculator(1/0)'),
      call('search(cats)'),
      call('347*29'),
      answer("I don't know."),
    ]);
    const out = await runToolLoop(chat.format, generate, chat.format.prompt(question));
    expect(out.calls.map((c) => c.result)).toEqual([
      'error: expected a non-zero divisor, found 0',
      'error: expected a tool among calculator, found "search"',
      'error: expected a call written name(arguments), e.g. calculator(2+2), found "347*29"',
    ]);
    expect(out.calls[2]!.call).toBeNull();
    expect(out.messages[4]).toEqual({ role: 'assistant', content: '<|call|>347*29<|/call|>' });
    expect(seen[1]!.context.slice(-chat.format.toolResultIds(out.calls[0]!.result).length)).toEqual(
      chat.format.toolResultIds(out.calls[0]!.result),
    );
    expect(out.answer).toBe("I don't know.");
  });

  it('ends with tool-limit after maxToolCalls, and with length when the budget runs out', async () => {
    const loop = scripted([call('calculator(1+1)'), call('calculator(2+2)'), answer('4')]);
    const limited = await runToolLoop(chat.format, loop.generate, chat.format.prompt(question), {
      maxToolCalls: 1,
    });
    expect(limited.finishReason).toBe('tool-limit');
    expect(limited.calls).toHaveLength(1);
    expect(limited.answer).toBe('');
    const long = scripted([plain('a very long answer that never ends')]);
    const cut = await runToolLoop(chat.format, long.generate, chat.format.prompt(question), {
      maxNewTokens: 3,
    });
    expect(cut.finishReason).toBe('length');
    expect(cut.responseMask).toEqual([1, 1, 1]);
  });

  it('uses any tools it is given', async () => {
    const { generate } = scripted([call('echo(hi there)'), answer('done')]);
    const out = await runToolLoop(chat.format, generate, chat.format.prompt(question), {
      tools: { echo: async (a) => a.toUpperCase() },
    });
    expect(out.calls[0]!.result).toBe('HI THERE');
  });

  it('refuses a template without call markers, and bad options', async () => {
    const { chatSpecialTokens, trainTokenizer } = await import('@llmforge/tokenizer');
    const t = await trainTokenizer(
      { model: 'bpe', vocabSize: 280, specialTokens: chatSpecialTokens('chatml') },
      ['hello world '.repeat(10)],
    );
    const chatml = new ChatFormat(t, { template: 'chatml' });
    const { generate } = scripted([]);
    await expect(runToolLoop(chatml, generate, [1])).rejects.toThrow(
      /the chatml template, which has no tool-call markers/,
    );
    await expect(runToolLoop(chat.format, generate, [1], { maxNewTokens: 0 })).rejects.toThrow(
      /option maxNewTokens: expected an integer ≥ 1/,
    );
  });
});

describe('samplerGenerate', () => {
  it('drives the loop with a real model through @llmforge/sampler, stopping within budget', async () => {
    const model = createModel(tinyConfig(chat.tok.vocabSize, 64, 1), {
      backend: createCpuBackend({ name: 'sampler-loop' }),
      seed: 1,
    });
    const prompt = chat.format.prompt([{ role: 'user', content: 'What is 12*7?' }]);
    const out = await runToolLoop(chat.format, samplerGenerate(model, { temperature: 0 }), prompt, {
      maxNewTokens: 6,
    });
    expect(out.ids.slice(0, prompt.length)).toEqual(prompt);
    expect(out.responseMask.filter((m) => m === 1).length).toBeLessThanOrEqual(6);
    expect(['stop', 'length', 'tool-limit']).toContain(out.finishReason);
    // greedy is deterministic
    const again = await runToolLoop(chat.format, samplerGenerate(model, { temperature: 0 }), prompt, {
      maxNewTokens: 6,
    });
    expect(again.ids).toEqual(out.ids);
    model.dispose();
  });
});
