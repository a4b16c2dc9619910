import { describe, expect, it } from 'vitest';
import { type ChatMessage, ConversationError, SftRlhfError, validateConversation } from '../src/index.js';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string, calls?: ChatMessage['toolCalls']): ChatMessage => ({
  role: 'assistant',
  content,
  ...(calls ? { toolCalls: calls } : {}),
});
const tool = (content: string): ChatMessage => ({ role: 'tool', content });
const calc = [{ name: 'calculator', arguments: '12*7' }];

/** The error a conversation raises (fails the test when it raises none). */
function errorOf(messages: unknown, options = {}): ConversationError {
  try {
    validateConversation({ id: 'rec-1', messages: messages as ChatMessage[] }, options);
  } catch (e) {
    expect(ConversationError.isInstance(e)).toBe(true);
    expect(SftRlhfError.isInstance(e)).toBe(true);
    return e as ConversationError;
  }
  return expect.fail('expected a ConversationError');
}

describe('validateConversation', () => {
  it('accepts a system prompt, a tool call answered by a tool message, and a final answer', () => {
    const conv = {
      id: 'ok',
      messages: [
        { role: 'system', content: 'Be brief.' } as ChatMessage,
        user('12*7?'),
        assistant('', calc),
        tool('84'),
        assistant('84'),
      ],
    };
    expect(validateConversation(conv)).toBe(conv);
  });

  it('accepts a conversation that ends on an unanswered call, and prompts without an assistant turn', () => {
    expect(() =>
      validateConversation({ id: 'a', messages: [user('12*7?'), assistant('', calc)] }),
    ).not.toThrow();
    expect(() =>
      validateConversation({ id: 'p', messages: [user('hi')] }, { requireAssistant: false }),
    ).not.toThrow();
  });

  it('names the record and the message in every error', () => {
    const cases: [unknown, RegExp][] = [
      [[], /record "rec-1": messages: expected a non-empty array of messages, found \[\]/],
      [
        [{ role: 'robot', content: 'x' }],
        /messages\[0\]\.role: expected a role among system, user, assistant, tool, found "robot"/,
      ],
      [[user('hi'), { role: 'assistant', content: 7 }], /messages\[1\]\.content: expected a string, found 7/],
      [[user('  ')], /messages\[0\]\.content: expected non-empty content/],
      [[user('hi'), assistant('')], /messages\[1\]\.content: expected non-empty content \(or a tool call\)/],
      [
        [user('hi'), { role: 'system', content: 'late' }, assistant('x')],
        /messages\[1\]: expected a system message only as the first message/,
      ],
      [
        [{ role: 'user', content: 'x', toolCalls: calc }, assistant('y')],
        /messages\[0\]\.toolCalls: expected tool calls only on assistant messages/,
      ],
      [
        [user('x'), assistant('', [{ name: 'rm -rf', arguments: '' }])],
        /messages\[1\]\.toolCalls\[0\]: expected a call \{ name: an identifier/,
      ],
      [
        [user('x'), assistant('', [{ name: 'calc', arguments: 3 as never }])],
        /toolCalls\[0\]\.arguments: expected a string/,
      ],
      [
        [user('12*7?'), tool('84'), assistant('84')],
        /messages\[1\]: expected a tool result to answer a pending tool call, found a tool message with no call before it/,
      ],
      [
        [user('12*7?'), assistant('', calc), user('well?')],
        /messages\[2\]: expected a tool message answering the 1 pending call\(s\) first, found a user message/,
      ],
      [
        [user('12*7?'), assistant('', calc), tool('84'), tool('84')],
        /messages\[3\]: expected a tool result to answer a pending tool call/,
      ],
      [[user('hi')], /messages: expected at least one assistant message, found none/],
    ];
    for (const [messages, pattern] of cases) expect(errorOf(messages).message).toMatch(pattern);
    expect(errorOf([]).record).toBe('rec-1');
  });

  it('rejects a missing id and a non-object', () => {
    expect(() => validateConversation({ id: '', messages: [user('a'), assistant('b')] })).toThrow(
      /id: expected a non-empty string id/,
    );
    expect(() => validateConversation(null as never)).toThrow(
      /expected a conversation \{ id, messages \}, found null/,
    );
  });
});
