/**
 * Conversations from a JSON Lines file (Node only), one per line, in the shape TRL's SFT datasets
 * use:
 *
 * ```
 * {"id": "c1", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
 * {"messages": [...]}                     ← no id: the record is named "<file>:<line>"
 * ```
 *
 * Every line is parsed and validated before any is used: a line that is not JSON, or a
 * conversation that breaks a rule of `validateConversation` (no assistant turn, an unknown role, a
 * tool result without a call, ...), raises a {@link ConversationError} naming the file, the line
 * and the record. Blank lines are skipped.
 */
import { readFile } from 'node:fs/promises';
import { ConversationError } from '../errors.js';
import { type Conversation, validateConversation } from './conversation.js';

/**
 * Reads and validates a JSONL file of conversations.
 *
 * @example
 * ```ts
 * const chats = await readConversationsFile('data/my-chats.jsonl');
 * await trainSft({ outDir: 'runs/sft', model: 'runs/base/checkpoints/step-001500', conversations: chats });
 * ```
 */
export async function readConversationsFile(path: string): Promise<Conversation[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConversationError({
      operation: 'readConversationsFile',
      file: path,
      expected: 'a readable JSON Lines file',
      found: (cause as NodeJS.ErrnoException).code ?? String(cause),
      cause,
    });
  }
  const out: Conversation[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const where = `line ${i + 1}`;
    let value: { id?: unknown; messages?: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch (cause) {
      throw new ConversationError({
        operation: 'readConversationsFile',
        file: path,
        where,
        expected: 'one JSON object per line',
        found: (cause as Error).message,
        cause,
      });
    }
    const conversation = { ...value, id: typeof value?.id === 'string' ? value.id : `${path}:${i + 1}` };
    try {
      out.push(validateConversation(conversation as Conversation, { operation: 'readConversationsFile' }));
    } catch (e) {
      if (!ConversationError.isInstance(e)) throw e;
      throw new ConversationError({
        operation: 'readConversationsFile',
        file: path,
        record: conversation.id,
        where: [
          where,
          (e.where ?? '').replace(`record ${JSON.stringify(conversation.id)}`, '').replace(/^: /, ''),
        ]
          .filter((part) => part !== '')
          .join(': '),
        expected: e.expected ?? '',
        found: e.found ?? '',
        ...(e.hint ? { hint: e.hint } : {}),
        cause: e,
      });
    }
  }
  if (out.length === 0) {
    throw new ConversationError({
      operation: 'readConversationsFile',
      file: path,
      expected: 'at least one conversation',
      found: 'an empty file',
    });
  }
  return out;
}
