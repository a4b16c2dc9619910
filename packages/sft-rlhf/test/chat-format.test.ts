import { describe, expect, it } from 'vitest';
import { ChatFormat, type ChatMessage, ConversationError, IGNORE_INDEX } from '../src/index.js';
import { useChatFormat } from './helpers/chat.js';

const chat = useChatFormat();
const plain = (t: string) => chat.plain(t);
const id = (t: string) => chat.id(t);

/** The learned labels, decoded run by run. */
function learnedRuns(labels: number[]): string[] {
  const runs: string[] = [];
  let run: number[] = [];
  for (const l of [...labels, IGNORE_INDEX]) {
    if (l !== IGNORE_INDEX) run.push(l);
    else if (run.length > 0) {
      runs.push(chat.tok.decode(run));
      run = [];
    }
  }
  return runs;
}

const toolChat: ChatMessage[] = [
  { role: 'user', content: 'What is 12*7?' },
  { role: 'assistant', content: 'Let me compute.', toolCalls: [{ name: 'calculator', arguments: '12*7' }] },
  { role: 'tool', content: '84' },
  { role: 'assistant', content: '84' },
];

describe('ChatFormat', () => {
  it('renders ids with HF labels: the assistant content and its end of turn, nothing else', () => {
    const ex = chat.format.render({
      id: 'a',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is the capital of Peru?' },
        { role: 'assistant', content: 'Lima.' },
      ],
    });
    expect(ex.id).toBe('a');
    expect(ex.ids).toEqual([
      id('<|system|>'),
      ...plain('Be brief.'),
      id('<|end|>'),
      id('<|user|>'),
      ...plain('What is the capital of Peru?'),
      id('<|end|>'),
      id('<|assistant|>'),
      ...plain('Lima.'),
      id('<|end|>'),
    ]);
    expect(ex.labels).toHaveLength(ex.ids.length);
    expect(ex.labels.every((l, t) => l === IGNORE_INDEX || l === ex.ids[t])).toBe(true);
    expect(learnedRuns(ex.labels)).toEqual(['Lima.<|end|>']);
  });

  it('learns the tool call and both assistant turns, not the tool result', () => {
    const ex = chat.format.render({ id: 't', messages: toolChat });
    expect(chat.tok.decode(ex.ids)).toBe(
      '<|user|>What is 12*7?<|end|><|assistant|>Let me compute.<|call|>calculator(12*7)<|/call|><|end|>' +
        '<|tool|>84<|end|><|assistant|>84<|end|>',
    );
    expect(learnedRuns(ex.labels)).toEqual([
      'Let me compute.<|call|>calculator(12*7)<|/call|><|end|>',
      '84<|end|>',
    ]);
  });

  it('splices a tool turn exactly as render renders it: prompt + generated + closeTurn + toolResult = render', () => {
    const full = chat.format.render({ id: 't', messages: toolChat }).ids;
    const prompt = chat.format.prompt(toolChat.slice(0, 1));
    expect(prompt.at(-1)).toBe(id('<|assistant|>'));
    const generatedCall = [
      ...plain('Let me compute.'),
      id('<|call|>'),
      ...plain('calculator(12*7)'),
      id('<|/call|>'),
    ];
    const generatedAnswer = [...plain('84'), id('<|end|>')];
    expect([
      ...prompt,
      ...generatedCall,
      ...chat.format.closeTurnIds(),
      ...chat.format.toolResultIds('84'),
      ...generatedAnswer,
    ]).toEqual(full);
    expect(chat.format.endOfTurnIds).toEqual([id('<|end|>')]);
    expect([chat.format.callOpenId, chat.format.callCloseId]).toEqual([id('<|call|>'), id('<|/call|>')]);
  });

  it('works with templates that have a prefix and a separator (llama3, chatml), which have no call markers', async () => {
    const { chatSpecialTokens, trainTokenizer } = await import('@llmforge/tokenizer');
    const t = await trainTokenizer(
      {
        model: 'bpe',
        vocabSize: 300,
        specialTokens: [...chatSpecialTokens('chatml'), ...chatSpecialTokens('llama3')],
      },
      ['What is the capital of Peru? Lima. '.repeat(20)],
    );
    for (const template of ['chatml', 'llama3'] as const) {
      const f = new ChatFormat(t, { template });
      const conv = {
        id: 'c',
        messages: toolChat
          .slice(2)
          .map((m) => ({ ...m, role: m.role === 'tool' ? ('user' as const) : m.role })),
      };
      const full = f.render(conv).ids;
      const prompt = f.prompt(conv.messages.slice(0, 1));
      expect(full.slice(0, prompt.length)).toEqual(prompt);
      expect(f.callCloseId).toBeUndefined();
      expect(f.prefixIds.length).toBe(template === 'llama3' ? 1 : 0);
      expect(f.decode(f.closeTurnIds())).toBe(template === 'chatml' ? '<|im_end|>\n' : '<|eot_id|>');
    }
  });

  it('validates before rendering', () => {
    expect(() => chat.format.render({ id: 'bad', messages: [{ role: 'tool', content: '84' }] })).toThrow(
      ConversationError,
    );
    expect(() => chat.format.prompt([{ role: 'robot', content: 'x' } as never])).toThrow(
      /ChatFormat.prompt: record "prompt": messages\[0\]\.role/,
    );
  });
});
