/**
 * `ChatFormat`: a tokenizer plus a chat template, turning conversations into what the model sees.
 *
 * Rendering is the tokenizer's `renderChat` (one place defines the template); this file adds the
 * training view, HF-convention labels, and the pieces a decoding loop splices in:
 *
 * ```
 * text     <|user|>  2+2?  <|end|>  <|assistant|>  4    <|end|>
 * ids      [3]       [..]  [7]      [5]            [52] [7]
 * labels   -100      -100  -100     -100           52   7        (ids where the assistant speaks)
 * ```
 *
 * Labels follow Hugging Face (what `Model.forward({ labels })` takes): the same length as the ids,
 * `labels[t] = ids[t]` where token t is learned and −100 elsewhere; the model shifts them (position
 * t−1 predicts token t). The assistant's tool calls and its end-of-turn token are learned; the
 * system, user and tool messages and all markup before an assistant's content are not.
 *
 * For generation: {@link ChatFormat.prompt} ends with the assistant header; after the model
 * closes a tool call, {@link ChatFormat.closeTurnIds} + {@link ChatFormat.toolResultIds} continue
 * the context exactly as {@link ChatFormat.render} renders the same conversation.
 */
import {
  type ChatMessage,
  type ChatTemplate,
  type ChatTemplateLike,
  type ChatTokenizer,
  renderChat,
  resolveChatTemplate,
} from '@llmforge/tokenizer';
import { type Conversation, validateConversation } from './conversation.js';

/** The label of a token that is not learned (PyTorch's and Hugging Face's ignore index). */
export const IGNORE_INDEX = -100;

/** What {@link ChatFormat} needs from a tokenizer (`Tokenizer` from @llmforge/tokenizer has it). */
export interface ChatFormatTokenizer extends ChatTokenizer {
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
}

/** One conversation rendered for SFT. */
export interface SftExample {
  /** The conversation's id. */
  id: string;
  /** Token ids of the whole conversation. */
  ids: number[];
  /** HF labels: `ids[t]` where learned, −100 elsewhere; the same length as `ids`. */
  labels: number[];
}

/** Options of {@link ChatFormat}. */
export interface ChatFormatOptions {
  /** `llmforge` (default; the only built-in with tool-call markers), `chatml`, `llama3` or a template. */
  template?: ChatTemplateLike;
}

/**
 * A tokenizer and a chat template: conversations → ids and labels, prompts, tool-loop pieces.
 *
 * @example
 * ```ts
 * import { chatSpecialTokens, trainTokenizer } from '@llmforge/tokenizer';
 * const tok = await trainTokenizer({ model: 'bpe', vocabSize: 300, specialTokens: chatSpecialTokens() }, ['some text']);
 * const format = new ChatFormat(tok);
 * const ex = format.render({ id: 'a', messages: [
 *   { role: 'user', content: 'Hi' },
 *   { role: 'assistant', content: 'Hello' },
 * ] });
 * ex.labels.filter((l) => l !== -100).length; // the tokens of 'Hello' and <|end|>
 * const prompt = format.prompt([{ role: 'user', content: 'Hi' }]); // ends with <|assistant|>
 * ```
 */
export class ChatFormat {
  readonly tokenizer: ChatFormatTokenizer;
  readonly template: ChatTemplate;
  /** Ids of the template's prefix (rendered once before the first message; often none). */
  readonly prefixIds: readonly number[];
  /** Ids of the assistant header (what {@link prompt} appends). */
  readonly assistantHeaderIds: readonly number[];
  /** Ids of the end-of-turn marker: a stop sequence for generation. */
  readonly endOfTurnIds: readonly number[];
  /** The tool-call markers' ids (single special tokens), when the template has them. */
  readonly callOpenId: number | undefined;
  readonly callCloseId: number | undefined;

  constructor(tokenizer: ChatFormatTokenizer, options: ChatFormatOptions = {}) {
    this.tokenizer = tokenizer;
    this.template = resolveChatTemplate(options.template);
    const opts = { template: this.template };
    this.prefixIds = renderChat(tokenizer, [], opts).ids;
    this.assistantHeaderIds = this.fragment([], true);
    const eot = tokenizer.tokenToId(this.template.endOfTurn);
    this.endOfTurnIds =
      eot === undefined || eot === null
        ? tokenizer.encode(this.template.endOfTurn, { allowedSpecial: 'none', disallowedSpecial: 'none' })
        : [eot];
    const id = (t: string | undefined) =>
      t === undefined ? undefined : (tokenizer.tokenToId(t) ?? undefined);
    this.callOpenId = id(this.template.toolCall?.open);
    this.callCloseId = id(this.template.toolCall?.close);
  }

  /**
   * A validated conversation → ids and HF labels (assistant-only loss).
   *
   * @example
   * ```ts
   * const { ids, labels } = format.render({ id: 'x', messages: [
   *   { role: 'user', content: '2+2?' }, { role: 'assistant', content: '4' },
   * ] });
   * ```
   */
  render(conversation: Conversation): SftExample {
    validateConversation(conversation, { operation: 'ChatFormat.render' });
    const { ids, lossMask } = renderChat(this.tokenizer, conversation.messages, { template: this.template });
    return { id: conversation.id, ids, labels: ids.map((t, i) => (lossMask[i] === 1 ? t : IGNORE_INDEX)) };
  }

  /**
   * The prompt for generation: the messages, then the assistant header.
   *
   * @example
   * ```ts
   * const ids = format.prompt([{ role: 'user', content: 'Capital of Peru?' }]);
   * ```
   */
  prompt(messages: readonly ChatMessage[]): number[] {
    validateConversation(
      { id: 'prompt', messages: [...messages] },
      { requireAssistant: false, operation: 'ChatFormat.prompt' },
    );
    return renderChat(this.tokenizer, messages, { template: this.template, addGenerationPrompt: true }).ids;
  }

  /**
   * What follows an assistant message the model ended with a tool call: the end-of-turn marker
   * and the template's separator.
   */
  closeTurnIds(): number[] {
    return this.fragment([{ role: 'assistant', content: '' }], false).slice(this.assistantHeaderIds.length);
  }

  /**
   * A tool message with `content`, then the assistant header: what the tool loop appends after
   * {@link closeTurnIds} so that the model continues its answer.
   *
   * @example
   * ```ts
   * format.toolResultIds('84'); // <|tool|> 84 <|end|> <|assistant|>
   * ```
   */
  toolResultIds(content: string): number[] {
    return this.fragment([{ role: 'tool', content }], true);
  }

  /** Decodes ids to text; special tokens are kept unless `skipSpecialTokens`. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode(ids, options);
  }

  /** Rendered messages without the template prefix: parts are encoded one by one, so they concatenate. */
  private fragment(messages: ChatMessage[], generationPrompt: boolean): number[] {
    const { ids } = renderChat(this.tokenizer, messages, {
      template: this.template,
      addGenerationPrompt: generationPrompt,
    });
    return ids.slice(this.prefixIds.length);
  }
}
