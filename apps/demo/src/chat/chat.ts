/**
 * `llmforge-demo chat`: talk to a checkpoint, one token at a time.
 *
 *   you> What is 347*29?
 *   model> [calculator(347*29) → 10063] 10063
 *
 * Each turn renders the conversation with the chat template, then @llmforge/sft-rlhf's
 * `runToolLoop` generates: tokens stream from @llmforge/sampler's `stream` (temperature, top-p,
 * top-k) through the tokenizer's `decodeStream` to the terminal; when the model closes a
 * calculator call the loop runs it, splices the result in, and the model continues. With
 * `--show-probs` each token is printed on its own line with its probability under the model and
 * the likeliest alternatives — logits and softmax, visible. When the conversation outgrows the
 * model's context the oldest turns are dropped, and the REPL says so.
 *
 * Commands: `/reset` starts a new conversation, `/quit` (or end of input) leaves, `/help`.
 */
import { createInterface } from 'node:readline';
import { type ChosenLogprob, stream } from '@llmforge/sampler';
import {
  ChatFormat,
  type ChatMessage,
  calculator,
  runToolLoop,
  type Tool,
  type ToolLoopGenerate,
} from '@llmforge/sft-rlhf';
import { RandomGenerator } from '@llmforge/tensor-gpu';
import type { Tokenizer } from '@llmforge/tokenizer';
import type { Model } from '@llmforge/transformer';
import type { ChatOptions } from '../options.js';

/** Where the REPL reads and writes. */
export interface ChatIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

/** What a chat session needs. */
export interface ChatSession {
  model: Model;
  tokenizer: Tokenizer;
  options: ChatOptions;
  seed: number;
  /** One line describing the checkpoint, shown first. */
  title: string;
}

const HELP = 'commands: /reset (new conversation), /quit (or Ctrl-D), /help';

/** `p` as a percentage with 1–3 significant digits. */
const pct = (logprob: number) => {
  const p = Math.exp(logprob) * 100;
  return p < 0.01 ? '<0.01%' : `${p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toFixed(2)}%`;
};

/**
 * A {@link ToolLoopGenerate} that streams each token to `out` as it is chosen.
 *
 * @example
 * ```ts
 * const out = await runToolLoop(format, streamingGenerate(model, tokenizer, format, options, gen, write), prompt);
 * ```
 */
export function streamingGenerate(
  model: Model,
  tokenizer: Tokenizer,
  format: ChatFormat,
  o: ChatOptions,
  generator: RandomGenerator,
  write: (text: string) => void,
): ToolLoopGenerate {
  const special = new Set(Object.values(tokenizer.specialTokens));
  const show = (id: number) => JSON.stringify(tokenizer.decode([id]));
  return async (context, { stop, maxNewTokens }) => {
    const room = model.config.contextLength - context.length;
    if (room <= 0) return { tokens: [], finishReason: 'length' };
    const text = tokenizer.decodeStream({ skipSpecialTokens: true });
    const tokens: number[] = [];
    const it = stream(model, [...context], {
      temperature: o.temperature,
      topP: o.topP,
      topK: o.topK,
      stop,
      maxNewTokens: Math.min(maxNewTokens, room),
      generator,
      // one more than shown: the chosen token is usually among the likeliest
      ...(o.showProbs ? { logprobs: true, topLogprobs: o.alternatives + 1 } : {}),
    });
    let finish: 'stop' | 'length' | 'abort' = 'length';
    for (;;) {
      const next = await it.next();
      if (next.done) {
        finish = next.value.finishReason[0] ?? 'length';
        break;
      }
      const { token, logprob } = next.value;
      tokens.push(token);
      if (token === format.callOpenId) write(o.showProbs ? '' : '[');
      if (o.showProbs) write(probLine(token, logprob, show, special.has(token)));
      else if (token !== format.callCloseId) write(text.push(token));
    }
    if (!o.showProbs) write(text.flush());
    return { tokens, finishReason: finish };
  };
}

/** `  "ing"  62%   then: "ed" 21%, "s" 5.0%` (special tokens marked). */
function probLine(
  token: number,
  lp: ChosenLogprob | undefined,
  show: (id: number) => string,
  special: boolean,
): string {
  if (!lp) return `  ${show(token)}\n`;
  const alts = (lp.top ?? [])
    .filter((a) => a.token !== token)
    .slice(0, (lp.top?.length ?? 1) - 1)
    .map((a) => `${show(a.token)} ${pct(a.logprob)}`)
    .join(', ');
  return `  ${show(token).padEnd(14)} ${pct(lp.logprob).padStart(6)}${special ? ' (special)' : ''}   others: ${alts}\n`;
}

/**
 * The conversation trimmed from the oldest turn until its prompt leaves `room` tokens for the
 * answer; null when even the last user message alone does not fit.
 */
function fitContext(
  format: ChatFormat,
  messages: readonly ChatMessage[],
  contextLength: number,
  room: number,
): { prompt: number[]; dropped: number } | null {
  for (let from = 0; from < messages.length; from++) {
    if (messages[from]!.role !== 'user') continue; // a conversation restarts at a user turn
    const prompt = format.prompt(messages.slice(from));
    if (prompt.length + room <= contextLength) return { prompt, dropped: from };
  }
  return null;
}

/**
 * Runs the REPL until `/quit` or the end of the input; returns the number of answered turns.
 *
 * @example
 * ```ts
 * await runChat({ model, tokenizer, options, seed: 1, title: 'sft checkpoint' }, { input: process.stdin, output: process.stdout });
 * ```
 */
export async function runChat(session: ChatSession, io: ChatIO): Promise<number> {
  const { model, tokenizer, options: o } = session;
  const format = new ChatFormat(tokenizer);
  const generator = new RandomGenerator(session.seed);
  const write = (s: string) => {
    if (s) io.output.write(s);
  };
  const tty = io.output.isTTY === true;
  const ctx = model.config.contextLength;
  write(`${session.title}\n`);
  write(
    `context ${ctx} tokens · temperature ${o.temperature}, top-p ${o.topP}, top-k ${o.topK} · ${o.tools ? 'calculator on' : 'tools off'}\n${HELP}\n`,
  );
  const tools: Record<string, Tool> = o.tools
    ? {
        calculator: (args) => {
          const result = calculator(args);
          write(` → ${result}]${o.showProbs ? '\n' : ' '}`);
          return result;
        },
      }
    : {};
  let messages: ChatMessage[] = [];
  let turns = 0;
  const lines = createInterface({ input: io.input, terminal: false });
  if (tty) write('you> ');
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line === '/help') write(`${HELP}\n`);
    else if (line === '/reset') {
      messages = [];
      write('(new conversation)\n');
    } else if (line !== '') {
      messages.push({ role: 'user', content: line });
      const room = Math.min(o.maxNewTokens, Math.max(1, ctx >> 2));
      const fit = fitContext(format, messages, ctx, room);
      if (fit === null) {
        const alone = format.prompt([{ role: 'user', content: line }]).length;
        write(
          `(your message is ${alone} tokens with the template; the model's context holds ${ctx}: say it shorter)\n`,
        );
        messages.pop();
      } else {
        if (fit.dropped > 0) {
          write(
            `(context: the oldest ${fit.dropped} message(s) no longer fit in ${ctx} tokens and were dropped)\n`,
          );
          messages = messages.slice(fit.dropped);
        }
        write(
          o.showProbs ? 'model> (token, probability under the model, the likeliest others)\n' : 'model> ',
        );
        const result = await runToolLoop(
          format,
          streamingGenerate(model, tokenizer, format, o, generator, write),
          fit.prompt,
          { maxNewTokens: Math.min(o.maxNewTokens, ctx - fit.prompt.length), tools },
        );
        if (o.showProbs) write(`model> ${result.answer}\n`);
        else write('\n');
        if (result.finishReason === 'length')
          write('(stopped: the answer reached the token budget or the context)\n');
        // an empty answer cannot be rendered back into the template: keep a visible placeholder
        for (const m of result.messages) {
          const empty = m.content.trim() === '' && !(m.toolCalls && m.toolCalls.length > 0);
          messages.push(empty ? { ...m, content: '…' } : m);
        }
        turns++;
      }
    }
    if (tty) write('you> ');
  }
  lines.close();
  return turns;
}
