import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildTasks,
  FAMILY_NAMES,
  isHeldOut,
  madeUpName,
  parseTaskData,
  SMALL_MODEL_MIX,
  type Task,
  TaskDataError,
  taskConversation,
  taskPreferencePairs,
  taskPrompt,
  taskReward,
  validateConversation,
} from '../src/index.js';
import { loadTaskData, type TaskData } from '../src/node.js';

let data: TaskData;
beforeAll(async () => {
  data = await loadTaskData();
});

const byPrompt = (tasks: Task[], prompt: string) => tasks.find((t) => t.prompt === prompt);

describe('the shipped data', () => {
  it('loads the quiz tables, 103 elements, 3,000 words and the WordNet subset', () => {
    expect(Object.keys(data.quiz.tables)).toHaveLength(33);
    expect(data.elements).toHaveLength(103);
    expect(data.elements[25]).toEqual({ number: 26, symbol: 'Fe', name: 'Iron', weight: '55.847' });
    expect(data.words).toHaveLength(3000);
    expect(data.wordnet.length).toBeGreaterThan(7000);
  });

  it('names the file and line of malformed data, and a missing folder', async () => {
    const files = {
      quiz: JSON.stringify({ format: 'llmforge-bsdgames-quiz', version: 1, index: '', tables: {} }),
      elements: '1\tH\tHydrogen\t1.008\n',
      words: 'cat\n',
      wordnet: '{"pos":"noun","words":["cat"],"gloss":"a cat"}\n',
    };
    expect(parseTaskData(files).words).toEqual(['cat']);
    expect(() => parseTaskData({ ...files, elements: '1\tH\n' })).toThrow(
      /parseTaskData: elements.tsv: line 1: expected number, symbol, name, weight/,
    );
    expect(() => parseTaskData({ ...files, words: 'cat\nDog\n' })).toThrow(
      /words.txt: line 2: expected a lower-case word, found "Dog"/,
    );
    expect(() => parseTaskData({ ...files, quiz: '{"format":"other","version":1}' })).toThrow(
      /bsdgames-quiz.json.gz: format: expected format llmforge-bsdgames-quiz version 1/,
    );
    expect(() => parseTaskData({ ...files, wordnet: '' })).toThrow(
      /wordnet.jsonl.gz: expected at least one record, found an empty file/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'sft-data-'));
    await expect(loadTaskData(dir)).rejects.toThrow(TaskDataError);
    writeFileSync(join(dir, 'bsdgames-quiz.json.gz'), 'not gzip');
    for (const f of ['elements.tsv', 'words.txt'])
      writeFileSync(join(dir, f), files[f === 'words.txt' ? 'words' : 'elements']);
    writeFileSync(join(dir, 'wordnet.jsonl.gz'), 'x');
    await expect(loadTaskData(dir)).rejects.toThrow(
      /loadTaskData: .*bsdgames-quiz.json.gz: expected a gzip file/,
    );
  });
});

describe('every family', () => {
  for (const family of FAMILY_NAMES) {
    it(`${family}: references pass their checker, incorrect answers fail it, conversations validate`, () => {
      const tasks = buildTasks(data, { mix: { [family]: 1 }, count: 40, seed: 5 });
      expect(tasks.length).toBeGreaterThan(0);
      expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
      for (const t of tasks) {
        expect(t.family).toBe(family);
        expect(t.check(t.reference), `${t.id}: ${t.reference}`).toBe(true);
        expect(taskReward(t, t.reference)).toBe(1);
        expect(t.incorrect.length).toBeGreaterThan(0);
        for (const wrong of t.incorrect) expect(t.check(wrong), `${t.id}: ${wrong}`).toBe(false);
        expect(() => validateConversation(taskConversation(t))).not.toThrow();
        const pairs = taskPreferencePairs(t);
        expect(pairs).toHaveLength(t.incorrect.length + (t.incorrectCalls?.length ?? 0));
        expect(pairs[0]!.prompt).toEqual(taskPrompt(t));
      }
    });
  }
});

describe('buildTasks', () => {
  it('is deterministic, and the seed changes the draw', () => {
    const a = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 200, seed: 1 });
    const b = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 200, seed: 1 });
    const c = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 200, seed: 2 });
    expect(a.map((t) => t.id)).toEqual(b.map((t) => t.id));
    expect(a.map((t) => t.id)).not.toEqual(c.map((t) => t.id));
  });

  it('allocates the count by weight', () => {
    const tasks = buildTasks(data, { mix: { addition: 3, reverse: 1 }, count: 100, seed: 3 });
    const count = (f: string) => tasks.filter((t) => t.family === f).length;
    expect([count('addition'), count('reverse')]).toEqual([75, 25]);
    // 20 over weights 2,1,1,2,2,1,1,1,1,1 (13): 3.08 → 3 for the 2s, 1.54 → 1 for the 1s, and the
    // 4 left go to the largest remainders (the first four 1s)
    const mixed = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 20, seed: 2, split: 'heldout' });
    expect(mixed).toHaveLength(20);
    const per = (f: string) => mixed.filter((t) => t.family === f).length;
    expect(Object.keys(SMALL_MODEL_MIX).map(per)).toEqual([3, 2, 2, 3, 3, 2, 2, 1, 1, 1]);
    const options = buildTasks(data, {
      mix: { sort: { weight: 1, kind: 'words', length: [3, 3] } },
      count: 5,
      seed: 3,
    });
    expect(
      options.every((t) => t.prompt.startsWith('Sort these words:') && t.reference.split(', ').length === 3),
    ).toBe(true);
  });

  it('never puts a held-out item in training, under any family, seed or mix', () => {
    const train = buildTasks(data, {
      mix: Object.fromEntries(FAMILY_NAMES.map((f) => [f, 1])),
      count: 3000,
      seed: 11,
      repeat: true,
    });
    const held = buildTasks(data, {
      mix: Object.fromEntries(FAMILY_NAMES.map((f) => [f, 1])),
      count: 1000,
      seed: 12,
      split: 'heldout',
    });
    const trainItems = new Set(train.map((t) => t.item));
    expect(held.filter((t) => trainItems.has(t.item))).toEqual([]);
    expect(held.every((t) => isHeldOut(t.item, 0.2, 0))).toBe(true);
    // the same word is in one split for every family that uses it
    const words = new Map<string, Set<string>>();
    for (const t of [...train, ...held].filter((t) => t.item.startsWith('word:'))) {
      words.set(t.item, (words.get(t.item) ?? new Set()).add(t.family));
    }
    expect([...words.values()].some((fams) => fams.size > 1)).toBe(true);
    // about 20% of items held out
    const items = data.elements.map((e) => `element:${e.number}`);
    const frac = items.filter((i) => isHeldOut(i, 0.2, 0)).length / items.length;
    expect(frac).toBeGreaterThan(0.1);
    expect(frac).toBeLessThan(0.3);
  });

  it('keeps finite families to their items unless repeat, and errors on an empty dataset', () => {
    expect(buildTasks(data, { mix: { 'element-symbol': 1 }, count: 500, seed: 1 })).toHaveLength(
      data.elements.filter((e) => !isHeldOut(`element:${e.number}`, 0.2, 0)).length,
    );
    expect(
      buildTasks(data, { mix: { 'element-symbol': 1 }, count: 500, seed: 1, repeat: true }),
    ).toHaveLength(500);
    expect(() =>
      buildTasks(data, { mix: { refusal: 1 }, count: 5, split: 'heldout', heldOutFraction: 0 }),
    ).toThrow(/buildTasks: expected at least one task, found none .*; hint: an empty dataset/);
    expect(() => buildTasks(data, { mix: { astrology: 1 } as never, count: 5 })).toThrow(
      /option mix: expected a known task family/,
    );
    expect(() => buildTasks(data, { mix: { addition: -1 }, count: 5 })).toThrow(
      /option mix.addition: expected a weight ≥ 0/,
    );
    expect(() => buildTasks(data, { mix: {}, count: 5 })).toThrow(
      /at least one family with a positive weight/,
    );
    expect(() => buildTasks(data, { mix: { addition: 1 }, count: 0 })).toThrow(/option count/);
  });

  it('has short prompts and answers in the small-model mix (learnable at ~1–10M parameters)', () => {
    const tasks = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 2000, seed: 4 });
    expect(Math.max(...tasks.map((t) => t.prompt.length))).toBeLessThanOrEqual(170);
    expect(Math.max(...tasks.map((t) => t.reference.length))).toBeLessThanOrEqual(25);
    expect(new Set(tasks.map((t) => t.family))).toEqual(new Set(Object.keys(SMALL_MODEL_MIX)));
  });
});

describe('task content', () => {
  const all = () =>
    buildTasks(data, {
      mix: Object.fromEntries(FAMILY_NAMES.map((f) => [f, 1])),
      count: 6000,
      seed: 9,
      split: 'all',
      repeat: true,
    });

  it('asks what the data says', () => {
    const tasks = all();
    const france = byPrompt(tasks, 'What is the capital of France?')!;
    expect(france.reference).toBe('Paris');
    expect(france.check('paris.')).toBe(true);
    const colombia = byPrompt(tasks, 'What is the capital of Colombia?')!;
    expect(colombia.reference).toBe('Bogotá');
    expect(colombia.check('Bogota')).toBe(true);
    expect(byPrompt(tasks, 'What is the symbol for iron?')!.reference).toBe('Fe');
    expect(byPrompt(tasks, 'Which element has the symbol Cs?')!.check('Cesium')).toBe(true);
    expect(byPrompt(tasks, 'What is the atomic number of oxygen?')!.reference).toBe('8');
    expect(byPrompt(tasks, 'What is the opposite of high?')!.reference).toBe('low');
    const dog = byPrompt(tasks, 'What is a baby dog called?')!;
    expect(dog.check('puppy') && dog.check('pup')).toBe(true);
  });

  it("lists other places' capitals in counterfactual lookups, so only the prompt answers them", () => {
    const real = buildTasks(data, { mix: { capital: 1 }, count: 400, split: 'all' });
    const capitalOf = new Map(real.map((t) => [t.prompt, t.reference]));
    const tasks = buildTasks(data, {
      mix: { 'capital-lookup': { weight: 1, counterfactual: true } },
      count: 50,
      seed: 3,
      split: 'all',
    });
    const capital = (place: string) => capitalOf.get(`What is the capital of ${place}?`)!;
    for (const t of tasks) {
      const asked = /What is the capital of (.+)\?$/.exec(t.prompt)![1]!;
      // the id lists place=place-whose-capital-is-listed; every place gets another's capital
      const listing = t.id
        .split(':')
        .at(-1)!
        .split('/')
        .map((s) => s.split('='));
      expect(listing).toHaveLength(3);
      for (const [place, from] of listing) {
        expect(from).not.toBe(place);
        expect(t.prompt).toContain(`${place}: ${capital(from!)}.`);
      }
      const from = listing.find(([place]) => place === asked)![1]!;
      expect(t.reference).toBe(capital(from));
      // the true capital of the asked place (listed beside another place) is an incorrect answer
      expect(t.check(capital(asked))).toBe(false);
      expect(t.incorrect).toContain(capital(asked));
    }
  });

  it('quotes the listed line when asked to, and accepts the bare capital too', () => {
    const plain = buildTasks(data, { mix: { 'capital-lookup': 1 }, count: 30, seed: 5, split: 'all' });
    const quoted = buildTasks(data, {
      mix: { 'capital-lookup': { weight: 1, quote: true } },
      count: 30,
      seed: 5,
      split: 'all',
    });
    expect(quoted.map((t) => t.prompt)).toEqual(plain.map((t) => t.prompt));
    for (const [i, t] of quoted.entries()) {
      const asked = /What is the capital of (.+)\?$/.exec(t.prompt)![1]!;
      const bare = plain[i]!.reference;
      // the reference is the prompt's own line for the asked place, word for word
      expect(t.reference).toBe(`${asked}: ${bare}.`);
      expect(t.prompt).toContain(t.reference);
      expect(t.check(bare)).toBe(true);
      expect(plain[i]!.check(t.reference)).toBe(true);
      // every incorrect answer quotes the asked place with another capital
      for (const wrong of t.incorrect) {
        expect(wrong.startsWith(`${asked}: `)).toBe(true);
        expect(t.check(wrong)).toBe(false);
      }
    }
  });

  it('lists made-up places and capitals in a fraction of lookups, split by the asked name', () => {
    const mix = { 'capital-lookup': { weight: 1, madeUp: 0.5 } };
    const train = buildTasks(data, { mix, count: 400, seed: 4, repeat: true });
    const madeUp = train.filter((t) => t.item.startsWith('fake:'));
    // about half (binomial, 400 draws: 0.5 ± 0.1 holds with overwhelming probability)
    expect(madeUp.length / train.length).toBeGreaterThan(0.4);
    expect(madeUp.length / train.length).toBeLessThan(0.6);
    const real = new Set(
      buildTasks(data, { mix: { capital: 1 }, count: 400, split: 'all' }).map((t) => t.reference),
    );
    for (const t of madeUp) {
      const asked = /What is the capital of (.+)\?$/.exec(t.prompt)![1]!;
      expect(t.item).toBe(`fake:${asked}`);
      const line = new RegExp(`${asked}: ([^.]+)\\.`).exec(t.prompt)!;
      expect(t.reference).toBe(line[1]);
      expect(real.has(t.reference)).toBe(false);
      expect(t.incorrect.length).toBeGreaterThan(0);
      for (const wrong of t.incorrect) expect(t.check(wrong)).toBe(false);
    }
    // the held-out set never asks a made-up name the training set asked
    const heldout = buildTasks(data, { mix, count: 200, seed: 4, split: 'heldout', repeat: true });
    const asked = new Set(madeUp.map((t) => t.item));
    const heldoutMadeUp = heldout.filter((t) => t.item.startsWith('fake:'));
    expect(heldoutMadeUp.length).toBeGreaterThan(0);
    for (const t of heldoutMadeUp) expect(asked.has(t.item)).toBe(false);
  });

  it('builds arithmetic, spelling, sorting and date tasks with correct answers and plausible slips', () => {
    const tasks = all();
    const add = tasks.find((t) => t.family === 'addition')!;
    const [a, b] = add.prompt.match(/\d+/g)!.map(Number);
    expect(add.reference).toBe(String(a! + b!));
    expect(add.incorrect).toContain(String(a! + b! + 1));
    const rev = tasks.find((t) => t.family === 'reverse')!;
    const word = rev.prompt.match(/"(\w+)"/)![1]!;
    expect(rev.reference).toBe([...word].reverse().join(''));
    const count = tasks.find((t) => t.family === 'count-letter')!;
    const [letter, w] = [...count.prompt.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
    expect(count.reference).toBe(String([...w!].filter((c) => c === letter).length));
    const sort = tasks.find((t) => t.family === 'sort')!;
    const nums = sort.prompt.match(/\d+/g)!.map(Number);
    expect(sort.reference).toBe([...nums].sort((x, y) => x - y).join(', '));
    const days = tasks.find((t) => t.family === 'days-between')!;
    const [from, to] = days.prompt.match(/\d{4}-\d\d-\d\d/g)!;
    expect(Number(days.reference)).toBe((Date.parse(to!) - Date.parse(from!)) / 86_400_000);
  });

  it('teaches the behaviours: "I don\'t know", refusals and calculator calls', () => {
    const tasks = all();
    const unknown = tasks.filter((t) => t.family === 'unknown');
    expect(unknown.every((t) => t.reference === "I don't know." && t.item.startsWith('fake:'))).toBe(true);
    const capitals = new Set(
      buildTasks(data, { mix: { capital: 1 }, count: 500, split: 'all' }).map((t) => t.prompt),
    );
    expect(unknown.some((t) => capitals.has(t.prompt))).toBe(false);
    expect(madeUpName('country', 3)).toBe(madeUpName('country', 3));
    const lookup = unknown.find((t) => t.id.startsWith('unknown:lookup'))!;
    expect(lookup.incorrect.every((c) => lookup.prompt.includes(`${c}.`))).toBe(true);
    const refusal = tasks.find((t) => t.family === 'refusal')!;
    expect(refusal.check("I can't help with that.")).toBe(true);
    expect(refusal.incorrect.some((c) => c.startsWith('Sure!'))).toBe(true);
    const calc = tasks.find((t) => t.family === 'calculator')!;
    expect(calc.toolCall).toEqual({ name: 'calculator', arguments: calc.prompt.slice(8, -1) });
    const messages = taskConversation(calc).messages;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(messages[2]!.content).toBe(calc.reference);
    // rejected: a wrong call (an operand copied wrong, its true result repeated), then a direct wrong answer
    const [a, b] = calc.toolCall!.arguments.split(/[-+*]/).map(Number) as [number, number];
    const op = calc.toolCall!.arguments.match(/[-+*]/)![0];
    expect(calc.incorrectCalls![0]!.toolCall.arguments).toBe(`${a + 1}${op}${b}`);
    expect(calc.incorrectCalls!.every((c) => !calc.check(c.toolResult))).toBe(true);
    const pairs = taskPreferencePairs(calc);
    expect(pairs).toHaveLength(calc.incorrect.length + calc.incorrectCalls!.length);
    expect(pairs.every((p) => p.chosen.length === 3)).toBe(true);
    const wrongCall = calc.incorrectCalls![0]!;
    expect(pairs[0]!.rejected).toEqual([
      { role: 'assistant', content: '', toolCalls: [wrongCall.toolCall] },
      { role: 'tool', content: wrongCall.toolResult },
      { role: 'assistant', content: wrongCall.toolResult },
    ]);
    expect(Number(wrongCall.toolResult)).toBe(op === '+' ? a + 1 + b : op === '-' ? a + 1 - b : (a + 1) * b);
    expect(pairs[1]!.rejected).toEqual([{ role: 'assistant', content: calc.incorrect[0] }]);
  });
});
