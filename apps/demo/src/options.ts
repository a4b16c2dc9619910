/**
 * The command line, parsed and checked before any work starts: `node:util`'s `parseArgs` reads the
 * flags, then every number is checked for being a number and in range, every name for being one
 * the demo knows, and a bad one raises a {@link DemoOptionError} naming the flag and what to write.
 */
import { parseArgs } from 'node:util';
import {
  type DemoConfig,
  presetConfig,
  RL_STAGES,
  type RlStageName,
  STAGES,
  type StageName,
} from './config.js';
import { DemoOptionError } from './errors.js';

/** What the command line asks for. */
export type Command = StageName | 'all' | 'chat';
export const COMMANDS: readonly Command[] = [...STAGES, 'all', 'chat'];

/** How progress is shown: a bar on a terminal, plain lines otherwise (`auto`). */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Options of the chat REPL. */
export interface ChatOptions {
  /** A checkpoint directory, or null to take the run's latest post-trained stage. */
  checkpoint: string | null;
  /** Which stage's checkpoint of the run (`pretrain`, `sft`, `ppo`, `grpo`, `dpo`), or null. */
  stage: StageName | null;
  temperature: number;
  topP: number;
  topK: number;
  maxNewTokens: number;
  /** Print each token's probability and the top alternatives. */
  showProbs: boolean;
  /** How many alternatives with `showProbs`. */
  alternatives: number;
  /** Run the calculator when the model calls it. */
  tools: boolean;
}

/** A parsed, checked command line. */
export interface DemoRequest {
  command: Command;
  run: string;
  config: DemoConfig;
  backend: 'cpu' | 'webgpu';
  /** CPU threads (null: the machine's cores). */
  threads: number | null;
  progress: ProgressMode;
  /** Run the named stage even when it is current. */
  force: boolean;
  chat: ChatOptions;
  help: boolean;
}

export const USAGE = `usage: llmforge-demo [stage] [options]       (no stage: all)

stages (each runs what it needs first, and skips itself when its output is current):
  prepare     read the corpus, check it is UTF-8, clean it, split train/validation
  tokenizer   train a byte-level BPE tokenizer; encode the corpus into token shards
  pretrain    pretrain a small GPT on the shards (a base model)
  sft         supervised fine-tuning on chat transcripts of checkable tasks
  reward      train a reward model on (better, worse) answer pairs
  ppo grpo dpo   reinforcement learning / preference optimisation from the SFT model
  all         every stage above (the RL ones in --rl), then report.json and report.html
  chat        talk to a checkpoint of the run (default: the latest post-trained one)

options:
  --run DIR              run directory (default runs/default, runs/quick with --quick)
  --quick                the small preset (a few minutes; what the tests run)
  --corpus PATH          your own corpus: a text file (.txt, .gz), a folder or a glob; repeatable
  --corpus-chars N       use only the first N characters of the corpus
  --backend cpu|webgpu   where the model runs (default cpu; webgpu says which adapter it got)
  --threads N            CPU backend threads (default: all cores)
  --seed N               seed of every random choice
  --vocab-size N         tokenizer vocabulary size
  --steps N              pretraining steps
  --sft-steps N, --reward-steps N, --rl-steps N
                         post-training steps (default: the preset's recipe, SFT, reward
                         and DPO in epochs)
  --rl LIST              RL stages \`all\` runs, comma-separated: ppo, grpo, dpo
  --force                rerun the named stage even when its output is current
  --progress MODE        auto (bar on a terminal, lines otherwise), bar, lines, none

chat options:
  --checkpoint DIR       a checkpoint directory (HF layout with tokenizer.json)
  --stage NAME           the run's checkpoint of this stage (pretrain, sft, ppo, grpo, dpo)
  --temperature T        0 = greedy (default 0.7)
  --top-p P              nucleus sampling, in (0, 1] (default 0.95)
  --top-k K              keep the K likeliest tokens, 0 = off (default 40)
  --max-new-tokens N     per answer (default 64)
  --show-probs           print each token's probability and the top alternatives
  --alternatives N       how many alternatives with --show-probs (default 5)
  --no-tools             do not run the calculator when the model calls it
`;

const CHAT_ONLY = [
  'checkpoint',
  'stage',
  'temperature',
  'top-p',
  'top-k',
  'max-new-tokens',
  'show-probs',
  'alternatives',
  'no-tools',
] as const;

const OPTION_SPEC = {
  run: { type: 'string' },
  quick: { type: 'boolean' },
  corpus: { type: 'string', multiple: true },
  'corpus-chars': { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  'vocab-size': { type: 'string' },
  steps: { type: 'string' },
  'sft-steps': { type: 'string' },
  'reward-steps': { type: 'string' },
  'rl-steps': { type: 'string' },
  rl: { type: 'string' },
  force: { type: 'boolean' },
  progress: { type: 'string' },
  checkpoint: { type: 'string' },
  stage: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  'top-k': { type: 'string' },
  'max-new-tokens': { type: 'string' },
  'show-probs': { type: 'boolean' },
  alternatives: { type: 'string' },
  'no-tools': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function bad(flag: string, expected: string, found: string, hint?: string): never {
  throw new DemoOptionError({
    operation: 'llmforge-demo',
    where: `option --${flag}`,
    expected,
    found,
    ...(hint ? { hint } : {}),
  });
}

interface NumberRule {
  integer?: boolean;
  min: number;
  max: number;
  /** `min` itself is not allowed. */
  minExclusive?: boolean;
  example: string;
}

/** A flag's value as a number in range; names the flag otherwise. */
function numberFlag(flag: string, text: string | undefined, fallback: number, r: NumberRule): number {
  if (text === undefined) return fallback;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const kind = r.integer ? 'an integer' : 'a number';
  const range = `${r.minExclusive ? `> ${r.min}` : `≥ ${r.min}`} and ≤ ${r.max}`;
  if (!Number.isFinite(value) || (r.integer && !Number.isInteger(value))) {
    bad(flag, `${kind} ${range}`, JSON.stringify(text), `e.g. --${flag} ${r.example}`);
  }
  if (value < r.min || value > r.max || (r.minExclusive && value === r.min)) {
    bad(flag, `${kind} ${range}`, text, `e.g. --${flag} ${r.example}`);
  }
  return value;
}

function oneOf<T extends string>(
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    bad(flag, `one of ${allowed.join(', ')}`, JSON.stringify(text));
  return text as T;
}

/**
 * Parses and checks a command line (without the program name); no stage means `all`.
 *
 * @example
 * ```ts
 * const req = parseCommandLine(['all', '--quick', '--run', '/tmp/r']);
 * req.command;                    // 'all'
 * req.config.pretrain.steps;      // the quick preset's
 * parseCommandLine(['chat', '--top-p', '2']); // throws DemoOptionError: option --top-p: expected a number > 0 and ≤ 1, found 2
 * ```
 */
export function parseCommandLine(argv: readonly string[]): DemoRequest {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTION_SPEC; allowPositionals: true }>>;
  try {
    // `pnpm demo -- all` passes the `--` through: drop it
    parsed = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: OPTION_SPEC,
      allowPositionals: true,
    });
  } catch (cause) {
    const message = (cause as Error).message.split('\n')[0] ?? String(cause);
    const flag = /Option '(--[\w-]+)/.exec(message)?.[1];
    if (flag && /argument is ambiguous|argument missing/.test(message)) {
      // `--seed -1`: parseArgs takes -1 for a flag; `--steps` at the end: no value
      throw new DemoOptionError({
        operation: 'llmforge-demo',
        where: `option ${flag}`,
        expected: 'a value after it',
        found: message.includes('ambiguous') ? 'a value that starts with "-"' : 'none',
        hint: `write ${flag}=VALUE`,
        cause,
      });
    }
    throw new DemoOptionError({
      operation: 'llmforge-demo',
      expected: 'options listed by --help',
      found: message,
      hint: 'run llmforge-demo --help',
      cause,
    });
  }
  const v = parsed.values;
  const positionals = parsed.positionals;
  const help = v.help === true;
  if (positionals.length > 1) {
    throw new DemoOptionError({
      operation: 'llmforge-demo',
      expected: 'one stage',
      found: positionals.map((p) => JSON.stringify(p)).join(' '),
      hint: 'flags take their value after a space: --steps 100',
    });
  }
  const name = positionals[0] ?? 'all';
  if (!(COMMANDS as readonly string[]).includes(name)) {
    throw new DemoOptionError({
      operation: 'llmforge-demo',
      expected: `a stage: ${COMMANDS.join(', ')}`,
      found: JSON.stringify(name),
    });
  }
  const command = name as Command;
  if (command !== 'chat') {
    for (const flag of CHAT_ONLY) {
      if (v[flag] !== undefined)
        bad(flag, 'it with the chat command only', `llmforge-demo ${command} --${flag}`);
    }
  }

  const quick = v.quick === true;
  const config = presetConfig(quick ? 'quick' : 'default');
  config.seed = numberFlag('seed', v.seed, config.seed, {
    integer: true,
    min: 0,
    max: 2 ** 32 - 1,
    example: '42',
  });
  if (v.corpus !== undefined) {
    for (const p of v.corpus) if (p.trim() === '') bad('corpus', 'a file, folder or glob', '""');
    config.corpus.paths = [...v.corpus];
  }
  if (v['corpus-chars'] !== undefined) {
    config.corpus.maxChars = numberFlag('corpus-chars', v['corpus-chars'], 0, {
      integer: true,
      min: 1000,
      max: 2 ** 31 - 1,
      example: '500000',
    });
  }
  config.tokenizer.vocabSize = numberFlag('vocab-size', v['vocab-size'], config.tokenizer.vocabSize, {
    integer: true,
    min: 300,
    max: 65536,
    example: '4096',
  });
  const steps = (flag: string, text: string | undefined, fallback: number) =>
    numberFlag(flag, text, fallback, { integer: true, min: 1, max: 10_000_000, example: '200' });
  config.pretrain.steps = steps('steps', v.steps, config.pretrain.steps);
  if (v.steps !== undefined) {
    // keep warmup and evaluation in proportion to a changed step count
    config.pretrain.warmupSteps = Math.max(
      1,
      Math.min(config.pretrain.warmupSteps, Math.floor(config.pretrain.steps / 10)),
    );
    config.pretrain.evalEvery = Math.max(1, Math.min(config.pretrain.evalEvery, config.pretrain.steps));
  }
  // the post-training recipes count SFT, reward and DPO training in epochs; a step count overrides them
  if (v['sft-steps'] !== undefined) config.sft.steps = steps('sft-steps', v['sft-steps'], 0);
  if (v['reward-steps'] !== undefined) config.reward.steps = steps('reward-steps', v['reward-steps'], 0);
  if (v['rl-steps'] !== undefined) {
    const n = steps('rl-steps', v['rl-steps'], 0);
    config.ppo.steps = n;
    config.grpo.steps = n;
    config.dpo.steps = n;
  }
  if (v.rl !== undefined) {
    const list = v.rl.split(',').map((s) => s.trim());
    for (const s of list) {
      if (!(RL_STAGES as readonly string[]).includes(s)) {
        bad('rl', `a comma-separated list of ${RL_STAGES.join(', ')}`, JSON.stringify(v.rl));
      }
    }
    config.rl = RL_STAGES.filter((s) => list.includes(s)) as RlStageName[];
  }

  const backend = oneOf('backend', v.backend, ['cpu', 'webgpu'] as const, 'cpu');
  const threads =
    v.threads === undefined
      ? null
      : numberFlag('threads', v.threads, 0, { integer: true, min: 1, max: 256, example: '2' });
  const progress = oneOf('progress', v.progress, ['auto', 'bar', 'lines', 'none'] as const, 'auto');
  if (v.run !== undefined && v.run.trim() === '') bad('run', 'a directory', '""');
  const chatStages = ['pretrain', 'sft', 'ppo', 'grpo', 'dpo'] as const;
  const chat: ChatOptions = {
    checkpoint: v.checkpoint ?? null,
    stage: v.stage === undefined ? null : oneOf('stage', v.stage, chatStages, 'sft'),
    temperature: numberFlag('temperature', v.temperature, 0.7, { min: 0, max: 100, example: '0.7' }),
    topP: numberFlag('top-p', v['top-p'], 0.95, { min: 0, max: 1, minExclusive: true, example: '0.9' }),
    topK: numberFlag('top-k', v['top-k'], 40, { integer: true, min: 0, max: 1_000_000, example: '40' }),
    maxNewTokens: numberFlag('max-new-tokens', v['max-new-tokens'], 64, {
      integer: true,
      min: 1,
      max: 100_000,
      example: '64',
    }),
    showProbs: v['show-probs'] === true,
    alternatives: numberFlag('alternatives', v.alternatives, 5, {
      integer: true,
      min: 1,
      max: 50,
      example: '5',
    }),
    tools: v['no-tools'] !== true,
  };
  if (chat.checkpoint !== null && chat.stage !== null) {
    bad('stage', 'either --checkpoint or --stage', 'both');
  }
  return {
    command,
    run: v.run ?? (quick ? 'runs/quick' : 'runs/default'),
    config,
    backend,
    threads,
    progress,
    force: v.force === true,
    chat,
    help,
  };
}
