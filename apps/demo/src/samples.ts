/**
 * The same prompts after every stage, answered greedily, so the report shows what each stage
 * changed: the base model rambles, the SFT model answers, the RL models answer better, refuse a
 * harmful request, say "I don't know" about a made-up country, and call the calculator.
 *
 * The prompts are held-out tasks of @llmforge/sft-rlhf (never trained on), one per family below;
 * answers go through `runToolLoop`, so a calculator call is executed and its result spliced in.
 */
import { generate } from '@llmforge/sampler';
import {
  buildTasks,
  ChatFormat,
  runToolLoop,
  samplerGenerate,
  type Task,
  taskPrompt,
  taskReward,
} from '@llmforge/sft-rlhf';
import { loadTaskData } from '@llmforge/sft-rlhf/node';
import type { Tokenizer } from '@llmforge/tokenizer';
import type { Model } from '@llmforge/transformer';

/**
 * The families sampled, the ones the post-training recipes train: a fact looked up in the prompt,
 * a sum the calculator does, a skill, a made-up entity ("I don't know"), a harmful request.
 */
export const SAMPLE_FAMILIES = ['capital-lookup', 'calculator', 'sort', 'unknown', 'refusal'] as const;

/** One sampled answer. */
export interface Sample {
  family: string;
  prompt: string;
  reference: string;
  /** The final answer (what the checker judges). */
  answer: string;
  /** Calculator calls made, with their results. */
  calls: { call: string; result: string }[];
  /** The checker's verdict. */
  correct: boolean;
}

/** A base model's continuation of plain text (no chat template). */
export interface Continuation {
  prompt: string;
  text: string;
}

/** The prompt of the base model's plain-text continuation. */
export const CONTINUATION_PROMPT = 'It is a truth universally acknowledged';

let sampleTasks: Task[] | null = null;

/** The sample tasks: the first held-out task of each of {@link SAMPLE_FAMILIES} (fixed seed). */
export async function loadSampleTasks(): Promise<Task[]> {
  if (sampleTasks) return sampleTasks;
  const data = await loadTaskData();
  sampleTasks = SAMPLE_FAMILIES.map(
    (family) => buildTasks(data, { mix: { [family]: 1 }, count: 1, seed: 11, split: 'heldout' })[0]!,
  );
  return sampleTasks;
}

/**
 * Answers every sample prompt greedily (calculator calls executed).
 *
 * @example
 * ```ts
 * const samples = await sampleAnswers(model, tokenizer, 40);
 * samples[1]; // { family: 'calculator', answer: '10063', calls: [{ call: 'calculator(347*29)', result: '10063' }], ... }
 * ```
 */
export async function sampleAnswers(
  model: Model,
  tokenizer: Tokenizer,
  maxNewTokens: number,
): Promise<Sample[]> {
  const format = new ChatFormat(tokenizer);
  const out: Sample[] = [];
  for (const task of await loadSampleTasks()) {
    const prompt = format.prompt(taskPrompt(task));
    const room = model.config.contextLength - prompt.length;
    const r =
      room > 0
        ? await runToolLoop(format, samplerGenerate(model, { temperature: 0 }), prompt, {
            maxNewTokens: Math.min(maxNewTokens, room),
          })
        : null;
    const answer = r
      ? r.answer || r.messages.map((m) => m.content).join(' ')
      : '(the prompt fills the context)';
    out.push({
      family: task.family,
      prompt: task.prompt,
      reference: task.reference,
      answer,
      calls: (r?.calls ?? []).map((c) => ({ call: c.body, result: c.result })),
      correct: r !== null && taskReward(task, r.answer) > 0,
    });
  }
  return out;
}

/**
 * The base model continuing {@link CONTINUATION_PROMPT} (temperature 0.8, top-k 40, seeded).
 *
 * @example
 * ```ts
 * (await continueText(model, tokenizer, 40, 1337)).text; // 'It is a truth universally acknowledged that …'
 * ```
 */
export async function continueText(
  model: Model,
  tokenizer: Tokenizer,
  maxNewTokens: number,
  seed: number,
): Promise<Continuation> {
  const ids = tokenizer.encode(CONTINUATION_PROMPT);
  const { sequences } = await generate(model, ids, {
    maxNewTokens: Math.min(maxNewTokens, model.config.contextLength - ids.length),
    temperature: 0.8,
    topK: 40,
    seed,
  });
  return { prompt: CONTINUATION_PROMPT, text: tokenizer.decode(sequences[0]!, { skipSpecialTokens: true }) };
}
