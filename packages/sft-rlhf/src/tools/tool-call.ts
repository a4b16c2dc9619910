/**
 * The tool-call syntax, as the chat template renders it and as a model writes it:
 *
 * ```
 * <|call|>calculator(347*29)<|/call|>
 * open    name      arguments  close
 * ```
 *
 * The markers are the template's `toolCall` (special tokens of the llmforge template); the body is
 * `name(arguments)` with the arguments as plain text up to the last `)`. {@link findToolCall}
 * finds the last finished call in generated text (a decoder stopped on the closing marker), and
 * {@link parseToolCall} splits its body.
 */
import type { ChatToolCall } from '@llmforge/tokenizer';
import { TOOL_NAME } from '../chat/conversation.js';
import { ToolCallError } from '../errors.js';

/** The markers around a call (`ChatTemplate.toolCall`). */
export interface ToolCallMarkers {
  open: string;
  close: string;
}

/** The llmforge template's markers. */
export const LLMFORGE_CALL_MARKERS: ToolCallMarkers = { open: '<|call|>', close: '<|/call|>' };

/**
 * A call as text, exactly as the chat template renders it.
 *
 * @example
 * ```ts
 * formatToolCall({ name: 'calculator', arguments: '2+2' }); // '<|call|>calculator(2+2)<|/call|>'
 * ```
 */
export function formatToolCall(call: ChatToolCall, markers: ToolCallMarkers = LLMFORGE_CALL_MARKERS): string {
  return `${markers.open}${call.name}(${call.arguments})${markers.close}`;
}

/** A finished call found in text: its body and where it is. */
export interface FoundToolCall {
  /** The text between the markers, e.g. `calculator(347*29)`. */
  body: string;
  /** Index of the opening marker. */
  start: number;
  /** Index just after the closing marker. */
  end: number;
}

/**
 * The last finished call in `text` (an opening marker, then the closing one), or null when there is
 * none: no closing marker, or a closing marker with no opening one before it.
 *
 * @example
 * ```ts
 * findToolCall('Let me see. <|call|>calculator(6*7)<|/call|>');
 * // { body: 'calculator(6*7)', start: 12, end: 44 }
 * findToolCall('<|call|>calculator(6*'); // null: not finished yet
 * ```
 */
export function findToolCall(
  text: string,
  markers: ToolCallMarkers = LLMFORGE_CALL_MARKERS,
): FoundToolCall | null {
  const closeAt = text.lastIndexOf(markers.close);
  if (closeAt === -1) return null;
  const start = text.lastIndexOf(markers.open, closeAt);
  if (start === -1) return null;
  return {
    body: text.slice(start + markers.open.length, closeAt),
    start,
    end: closeAt + markers.close.length,
  };
}

/**
 * A call's body → `{ name, arguments }`; throws {@link ToolCallError} when it is not `name(args)`.
 *
 * @example
 * ```ts
 * parseToolCall('calculator(347*29)'); // { name: 'calculator', arguments: '347*29' }
 * parseToolCall('347*29');             // throws: expected name(arguments)
 * ```
 */
export function parseToolCall(body: string): ChatToolCall {
  const open = body.indexOf('(');
  const close = body.lastIndexOf(')');
  const name = open === -1 ? '' : body.slice(0, open).trim();
  if (open === -1 || close < open || body.slice(close + 1).trim() !== '' || !TOOL_NAME.test(name)) {
    throw new ToolCallError({
      operation: 'parseToolCall',
      expected: 'a call written name(arguments), e.g. calculator(2+2)',
      found: JSON.stringify(body.length > 60 ? `${body.slice(0, 57)}...` : body),
    });
  }
  return { name, arguments: body.slice(open + 1, close) };
}
