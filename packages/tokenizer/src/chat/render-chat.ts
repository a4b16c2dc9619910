/**
 * `renderChat`: a conversation -> token ids plus a loss mask for supervised fine-tuning.
 *
 * Each part of the rendered conversation is encoded on its own and tagged:
 *
 * ```
 * part          <|user|>  Hi   <|end|>  <|assistant|>  Hello  !   <|end|>
 * ids           [3]       [72] [7]      [5]            [310]  [0] [7]
 * lossMask       0         0    0        0              1      1   1
 * ```
 *
 * `lossMask[i] = 1` exactly on the tokens of assistant contents, their tool calls (markers, name and
 * arguments) and the end-of-turn token that closes each assistant turn: what the model must learn to
 * produce, including when to call a tool and when to stop.
 *
 * Special tokens are taken from the template only: message contents are encoded with special-token
 * recognition off, so a user typing `<|im_end|>` gets ordinary text tokens, not a turn boundary.
 * Because parts are encoded separately, no token straddles a role boundary; the ids can differ from
 * encoding the whole rendered `text` at once right at the seams (where merges would cross).
 */
import { TokenizerInputError } from '../errors.js';
import { previewJSON } from '../tokenizer/arguments.js';
import {
  type ChatMessage,
  type ChatRole,
  type ChatTemplate,
  type ChatTemplateLike,
  type ChatToolCall,
  resolveChatTemplate,
} from './templates.js';

/** What renderChat needs from a tokenizer ({@link Tokenizer} has it). */
export interface ChatTokenizer {
  encode(
    text: string,
    options?: {
      allowedSpecial?: 'all' | 'none' | readonly string[];
      disallowedSpecial?: 'all' | 'none' | readonly string[];
    },
  ): number[];
  tokenToId(token: string): number | null | undefined;
}

/** Options of {@link renderChat}. */
export interface RenderChatOptions {
  /** `llmforge` (default), `chatml`, `llama3` or a ChatTemplate object. */
  template?: ChatTemplateLike;
  /** Append the assistant header so the model writes the next turn (inference). Default false. */
  addGenerationPrompt?: boolean;
}

/** The rendered conversation. */
export interface RenderedChat {
  /** Token ids of the whole conversation. */
  ids: number[];
  /** 1 where the model is trained to predict the token (assistant content + its end of turn), else 0. */
  lossMask: number[];
  /** The rendered text (template markup included), for display and debugging. */
  text: string;
}

const ROLES: ReadonlySet<string> = new Set<ChatRole>(['system', 'user', 'assistant', 'tool']);

/**
 * Render messages with a chat template into ids and a loss mask.
 *
 * @example
 * ```ts
 * import { chatSpecialTokens, renderChat, trainTokenizer } from '@llmforge/tokenizer';
 * const tok = await trainTokenizer(
 *   { model: 'bpe', vocabSize: 300, specialTokens: chatSpecialTokens('chatml') },
 *   ['Hello there, how are you?'],
 * );
 * const { ids, lossMask, text } = renderChat(tok, [
 *   { role: 'user', content: 'Hi' },
 *   { role: 'assistant', content: 'Hello!' },
 * ], { template: 'chatml' });
 * console.log(text); // '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n'
 * console.log(ids.length === lossMask.length); // true
 * ```
 */
export function renderChat(
  tokenizer: ChatTokenizer,
  messages: readonly ChatMessage[],
  options: RenderChatOptions = {},
): RenderedChat {
  const template = resolveChatTemplate(options.template);
  const calls = messages.some((m) => m?.toolCalls !== undefined && m.toolCalls.length > 0);
  const specialIds = new Map<string, number>();
  const missing: string[] = [];
  for (const t of template.specialTokens) {
    if (!calls && (t === template.toolCall?.open || t === template.toolCall?.close)) continue;
    const id = tokenizer.tokenToId(t);
    if (id === undefined || id === null) missing.push(t);
    else specialIds.set(t, id);
  }
  if (missing.length > 0) {
    throw new TokenizerInputError({
      operation: 'renderChat',
      expected: `the ${template.name} template's special tokens in the vocabulary`,
      found: `missing ${missing.join(', ')}`,
      hint: `train with specialTokens: chatSpecialTokens('${template.name}'), or add them to the tokenizer`,
    });
  }
  // Sort longest first so '<|im_start|>' is matched before any token that is a prefix of it.
  const specials = [...specialIds.keys()].sort((a, b) => b.length - a.length);

  const ids: number[] = [];
  const lossMask: number[] = [];
  let text = '';
  // Plain text: special-token text is neither recognised nor an error (tiktoken would throw).
  const plain = { allowedSpecial: 'none', disallowedSpecial: 'none' } as const;
  const emitIds = (part: number[], learn: boolean): void => {
    for (const id of part) {
      ids.push(id);
      lossMask.push(learn ? 1 : 0);
    }
  };
  /** Template markup: its special tokens by id, the text between them encoded plainly. */
  const emitMarkup = (markup: string, learn: boolean): void => {
    text += markup;
    let start = 0;
    while (start < markup.length) {
      let at = -1;
      let which = '';
      for (const s of specials) {
        const i = markup.indexOf(s, start);
        if (i !== -1 && (at === -1 || i < at)) {
          at = i;
          which = s;
        }
      }
      const end = at === -1 ? markup.length : at;
      if (end > start) emitIds(tokenizer.encode(markup.slice(start, end), plain), learn);
      if (at === -1) break;
      emitIds([specialIds.get(which)!], learn);
      start = at + which.length;
    }
  };

  if (template.prefix) emitMarkup(template.prefix, false);
  messages.forEach((m, i) => {
    if (!m || !ROLES.has(m.role) || typeof m.content !== 'string') {
      throw new TokenizerInputError({
        operation: 'renderChat',
        where: `messages[${i}]`,
        expected: '{ role: system | user | assistant | tool, content: string }',
        found: previewJSON(m),
        hint: "e.g. { role: 'user', content: 'Hello' }",
      });
    }
    const learn = m.role === 'assistant';
    emitMarkup(template.headers[m.role], false);
    text += m.content;
    if (m.content.length > 0) emitIds(tokenizer.encode(m.content, plain), learn);
    for (const call of checkToolCalls(template, m, i)) {
      emitMarkup(template.toolCall!.open, true);
      const body = `${call.name}(${call.arguments})`;
      text += body;
      emitIds(tokenizer.encode(body, plain), true);
      emitMarkup(template.toolCall!.close, true);
    }
    emitMarkup(template.endOfTurn, learn);
    if (template.separator) emitMarkup(template.separator, false);
  });
  if (options.addGenerationPrompt) emitMarkup(template.headers.assistant, false);
  return { ids, lossMask, text };
}

/** The message's tool calls, checked: assistant only, a template with tool-call markers, string fields. */
function checkToolCalls(template: ChatTemplate, m: ChatMessage, i: number): readonly ChatToolCall[] {
  if (m.toolCalls === undefined) return [];
  const where = `messages[${i}].toolCalls`;
  if (m.role !== 'assistant' || !Array.isArray(m.toolCalls)) {
    throw new TokenizerInputError({
      operation: 'renderChat',
      where,
      expected: 'an array of { name, arguments } on an assistant message',
      found: m.role !== 'assistant' ? `toolCalls on a ${m.role} message` : typeof m.toolCalls,
      hint: 'only assistant messages call tools; tool results go in a { role: "tool" } message',
    });
  }
  if (!template.toolCall) {
    throw new TokenizerInputError({
      operation: 'renderChat',
      where,
      expected: `a template with tool-call markers (toolCall: { open, close })`,
      found: `the ${template.name} template, which has none`,
      hint: 'use the llmforge template, or add toolCall to your own template',
    });
  }
  m.toolCalls.forEach((c, k) => {
    if (!c || typeof c.name !== 'string' || c.name.length === 0 || typeof c.arguments !== 'string') {
      throw new TokenizerInputError({
        operation: 'renderChat',
        where: `${where}[${k}]`,
        expected: '{ name: non-empty string, arguments: string }',
        found: previewJSON(c),
        hint: "e.g. { name: 'add', arguments: '{\"a\": 1}' } (arguments as a JSON string)",
      });
    }
  });
  return m.toolCalls;
}
