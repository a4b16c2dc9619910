/**
 * Chat templates as data: what goes before the conversation, around each message, and after the
 * last one when the model is asked to answer. Three are built in:
 *
 * ```
 * chatml    <|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n
 * llama3    <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>
 * llmforge  <|user|>Hi<|end|><|assistant|>Hello!<|end|>
 * ```
 *
 * A tool call (llmforge only) follows the assistant's content and ends its turn; the tool's result
 * is the next message:
 *
 * ```
 * <|user|>12*7?<|end|><|assistant|><|call|>calculator(12*7)<|/call|><|end|><|tool|>84<|end|><|assistant|>84<|end|>
 * ```
 *
 * The end-of-turn marker (`<|im_end|>`, `<|eot_id|>`, `<|end|>`) is what a model emits to stop
 * talking, so on assistant turns it is part of what is learned; the separator after it is not.
 */
import { TokenizerInputError } from '../errors.js';
import { previewJSON } from '../tokenizer/arguments.js';

/** Who speaks a message. */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/**
 * A tool call an assistant message makes, rendered after its content as
 * `open + name + '(' + arguments + ')' + close` with the template's {@link ChatTemplate.toolCall}
 * markers, e.g. `<|call|>calculator(12*7)<|/call|>`.
 */
export interface ChatToolCall {
  /** The tool's name, e.g. `calculator`. */
  name: string;
  /** The argument text as the model writes it, e.g. `12*7`. */
  arguments: string;
}

/** One message of a conversation. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** Assistant messages only: tool calls made after the content (learned, like the content). */
  toolCalls?: readonly ChatToolCall[];
}

/** A chat template; build your own or use {@link CHAT_TEMPLATES}. */
export interface ChatTemplate {
  /** A short name, shown in errors. */
  name: string;
  /** Text once before the first message (e.g. `<|begin_of_text|>`); default none. */
  prefix?: string;
  /** Text before each message's content, per role. */
  headers: Record<ChatRole, string>;
  /** Text right after each message's content; learned on assistant turns. */
  endOfTurn: string;
  /** Text after the end-of-turn marker (e.g. `\n`); never learned. Default none. */
  separator?: string;
  /**
   * The markers around an assistant's tool call (see {@link ChatToolCall}); a template without them
   * cannot render `toolCalls`. A decoder stops on `close` to run the tool. Default none.
   */
  toolCall?: { open: string; close: string };
  /**
   * The special tokens the template uses; each must be one token of the tokenizer (the `toolCall`
   * markers only when a conversation has tool calls, so tokenizers trained before they existed
   * still render plain chats).
   */
  specialTokens: string[];
}

/** ChatML (Qwen, OpenAI's format): `<|im_start|>role\n...<|im_end|>\n`. */
export const CHATML: ChatTemplate = {
  name: 'chatml',
  headers: {
    system: '<|im_start|>system\n',
    user: '<|im_start|>user\n',
    assistant: '<|im_start|>assistant\n',
    tool: '<|im_start|>tool\n',
  },
  endOfTurn: '<|im_end|>',
  separator: '\n',
  specialTokens: ['<|im_start|>', '<|im_end|>'],
};

/** Llama 3 (the tool role is Llama's `ipython`). */
export const LLAMA3: ChatTemplate = {
  name: 'llama3',
  prefix: '<|begin_of_text|>',
  headers: {
    system: '<|start_header_id|>system<|end_header_id|>\n\n',
    user: '<|start_header_id|>user<|end_header_id|>\n\n',
    assistant: '<|start_header_id|>assistant<|end_header_id|>\n\n',
    tool: '<|start_header_id|>ipython<|end_header_id|>\n\n',
  },
  endOfTurn: '<|eot_id|>',
  specialTokens: ['<|begin_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'],
};

/** llmforge's own: one special token per role, one end-of-turn token, two tool-call markers. */
export const LLMFORGE: ChatTemplate = {
  name: 'llmforge',
  headers: { system: '<|system|>', user: '<|user|>', assistant: '<|assistant|>', tool: '<|tool|>' },
  endOfTurn: '<|end|>',
  toolCall: { open: '<|call|>', close: '<|/call|>' },
  specialTokens: ['<|system|>', '<|user|>', '<|assistant|>', '<|tool|>', '<|end|>', '<|call|>', '<|/call|>'],
};

/** The built-in templates by name. */
export const CHAT_TEMPLATES: Readonly<Record<'chatml' | 'llama3' | 'llmforge', ChatTemplate>> = {
  chatml: CHATML,
  llama3: LLAMA3,
  llmforge: LLMFORGE,
};

/** A built-in template's name, or a template object. */
export type ChatTemplateLike = keyof typeof CHAT_TEMPLATES | ChatTemplate;

/** Resolve a template name; throws TokenizerInputError for unknown names. */
export function resolveChatTemplate(template: ChatTemplateLike = 'llmforge'): ChatTemplate {
  if (typeof template === 'object' && template !== null) return template;
  const t = CHAT_TEMPLATES[template as keyof typeof CHAT_TEMPLATES];
  if (!t) {
    throw new TokenizerInputError({
      operation: 'renderChat',
      where: 'options.template',
      expected: `one of ${Object.keys(CHAT_TEMPLATES).join(', ')} or a ChatTemplate object`,
      found: previewJSON(template),
      hint: "name a built-in template (e.g. 'chatml') or pass a ChatTemplate object",
    });
  }
  return t;
}

/**
 * The special tokens a template needs, to pass to the trainer so the vocabulary has them.
 *
 * @example
 * ```ts
 * import { chatSpecialTokens, trainTokenizer } from '@llmforge/tokenizer';
 * console.log(chatSpecialTokens('chatml')); // ['<|im_start|>', '<|im_end|>']
 * const tok = await trainTokenizer(
 *   { model: 'bpe', vocabSize: 1000, specialTokens: ['<|endoftext|>', ...chatSpecialTokens('chatml')] },
 *   ['some text to train on'],
 * );
 * ```
 */
export function chatSpecialTokens(template: ChatTemplateLike = 'llmforge'): string[] {
  return [...resolveChatTemplate(template).specialTokens];
}
