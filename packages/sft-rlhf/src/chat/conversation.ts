/**
 * Conversations: the unit of SFT data, and their validation.
 *
 * A conversation is an id (named in every error) and messages in the tokenizer's chat shape:
 *
 * ```
 * system?     "You are terse."                       (only as the first message)
 * user        "What is 347*29?"
 * assistant   ""  toolCalls: [calculator(347*29)]    (a call ends the assistant's turn)
 * tool        "10063"                                (answers the oldest unanswered call)
 * assistant   "10063"
 * ```
 *
 * Rules {@link validateConversation} enforces, each with a {@link ConversationError} naming the
 * record and the message index: at least one message; roles are system / user / assistant / tool;
 * content is a string, non-empty except for an assistant message that makes a call; a system
 * message only first; tool calls only on assistant messages, each `{ name, arguments }` with a
 * name like `calculator`; every tool message answers a pending call; a call is answered before the
 * next user or assistant message; and (for training, the default) at least one assistant message.
 */
import type { ChatMessage, ChatRole, ChatToolCall } from '@llmforge/tokenizer';
import { ConversationError } from '../errors.js';

export type { ChatMessage, ChatRole, ChatToolCall };

/** A conversation with an id that errors and batch records name. */
export interface Conversation {
  /** Unique within a dataset, e.g. `capital:France` or a line number. */
  id: string;
  messages: ChatMessage[];
}

/** Options of {@link validateConversation}. */
export interface ValidateConversationOptions {
  /** Require an assistant message (what SFT learns from). Default true; false for prompts. */
  requireAssistant?: boolean;
  /** The operation named in errors (default `validateConversation`). */
  operation?: string;
}

const ROLES: ReadonlySet<string> = new Set<ChatRole>(['system', 'user', 'assistant', 'tool']);
/** A tool name: an identifier (`calculator`, `web_search`). */
export const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/**
 * Checks a conversation against the rules above; returns it unchanged (typed) when it is valid.
 *
 * @example
 * ```ts
 * validateConversation({
 *   id: 'c1',
 *   messages: [
 *     { role: 'user', content: 'Capital of Peru?' },
 *     { role: 'assistant', content: 'Lima' },
 *   ],
 * }); // ok
 * validateConversation({ id: 'c2', messages: [{ role: 'tool', content: '4' }] });
 * // ConversationError: validateConversation: record "c2": messages[0]: expected a tool result to
 * // answer a pending tool call, found a tool message with no call before it; ...
 * ```
 */
export function validateConversation(
  conversation: Conversation,
  options: ValidateConversationOptions = {},
): Conversation {
  const operation = options.operation ?? 'validateConversation';
  const record = typeof conversation?.id === 'string' ? conversation.id : undefined;
  const fail = (where: string | undefined, expected: string, found: string, hint?: string): never => {
    throw new ConversationError({
      operation,
      ...(record === undefined ? {} : { record }),
      ...(where ? { where } : {}),
      expected,
      found,
      ...(hint ? { hint } : {}),
    });
  };
  if (typeof conversation !== 'object' || conversation === null) {
    fail(undefined, 'a conversation { id, messages }', show(conversation));
  }
  if (record === undefined || record === '') fail('id', 'a non-empty string id', show(conversation.id));
  const messages = conversation.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    fail(
      'messages',
      'a non-empty array of messages',
      show(messages),
      'an empty conversation teaches nothing',
    );
  }
  let pending = 0; // calls made and not yet answered
  let assistants = 0;
  messages.forEach((m, i) => {
    const where = `messages[${i}]`;
    if (typeof m !== 'object' || m === null) fail(where, 'a message { role, content }', show(m));
    if (!ROLES.has(m.role)) {
      fail(`${where}.role`, 'a role among system, user, assistant, tool', show(m.role));
    }
    if (typeof m.content !== 'string') fail(`${where}.content`, 'a string', show(m.content));
    const calls = m.toolCalls;
    if (calls !== undefined) {
      if (m.role !== 'assistant') {
        fail(
          `${where}.toolCalls`,
          'tool calls only on assistant messages',
          `toolCalls on a ${m.role} message`,
        );
      }
      if (!Array.isArray(calls)) fail(`${where}.toolCalls`, 'an array of { name, arguments }', show(calls));
      calls.forEach((c, k) => {
        if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || !TOOL_NAME.test(c.name)) {
          fail(`${where}.toolCalls[${k}]`, 'a call { name: an identifier, arguments: string }', show(c));
        }
        if (typeof c.arguments !== 'string')
          fail(`${where}.toolCalls[${k}].arguments`, 'a string', show(c.arguments));
      });
    }
    const nCalls = calls?.length ?? 0;
    if (m.content.trim() === '' && !(m.role === 'assistant' && nCalls > 0)) {
      fail(
        `${where}.content`,
        m.role === 'assistant' ? 'non-empty content (or a tool call)' : 'non-empty content',
        show(m.content),
      );
    }
    if (m.role === 'system' && i > 0) {
      fail(where, 'a system message only as the first message', `a system message at index ${i}`);
    }
    if (m.role === 'tool') {
      if (pending === 0) {
        fail(
          where,
          'a tool result to answer a pending tool call',
          'a tool message with no call before it',
          'put the call on the assistant message before it: toolCalls: [{ name, arguments }]',
        );
      }
      pending--;
      return;
    }
    if (pending > 0) {
      fail(
        where,
        `a tool message answering the ${pending} pending call(s) first`,
        `a ${m.role} message`,
        'every tool call needs its result before the conversation goes on',
      );
    }
    if (m.role === 'assistant') {
      assistants++;
      pending = nCalls;
    }
  });
  if ((options.requireAssistant ?? true) && assistants === 0) {
    fail(
      'messages',
      'at least one assistant message',
      'none',
      'SFT learns the assistant turns; this one has nothing to learn',
    );
  }
  return conversation;
}
