/**
 * Preference pairs as token sequences: the shared prompt followed by the chosen or the rejected
 * continuation, rendered with the chat template; the learned tokens are the continuation's
 * (assistant content, tool calls, end of turn — not a tool's result).
 *
 * ```
 * prompt [user: What is 23+45?]   chosen [assistant: 68]   rejected [assistant: 67]
 *   → chosen   <|user|>What is 23+45?<|end|><|assistant|>68<|end|>     learn … 0 0 1 1
 *   → rejected <|user|>What is 23+45?<|end|><|assistant|>67<|end|>     learn … 0 0 1 1
 * ```
 *
 * The reward model scores each at its last token; DPO sums the policy's log-probs over the learned
 * tokens.
 */
import { type ChatFormat, IGNORE_INDEX } from '../chat/chat-format.js';
import type { ChatMessage } from '../chat/conversation.js';
import type { PreferencePair } from '../tasks/task.js';
import type { TokenSequence } from './sequences.js';

/** A pair rendered into two sequences. */
export interface RenderedPair {
  id: string;
  family: string;
  chosen: TokenSequence;
  rejected: TokenSequence;
}

/**
 * Renders a pair (each side validated as a conversation: errors name the pair's id).
 *
 * @example
 * ```ts
 * const pairs = tasks.flatMap((t) => taskPreferencePairs(t, { max: 2 })).map((p) => renderPair(format, p));
 * ```
 */
export function renderPair(format: ChatFormat, pair: PreferencePair): RenderedPair {
  const side = (messages: readonly ChatMessage[]): TokenSequence => {
    const ex = format.render({ id: pair.id, messages: [...pair.prompt, ...messages] });
    return { ids: ex.ids, learn: ex.labels.map((l) => (l === IGNORE_INDEX ? 0 : 1)) };
  };
  return { id: pair.id, family: pair.family, chosen: side(pair.chosen), rejected: side(pair.rejected) };
}
