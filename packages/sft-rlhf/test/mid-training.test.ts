import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShardReader } from '@llmforge/trainer/node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildTasks,
  copySequences,
  factDocuments,
  isHeldOut,
  RECIPE_MIX,
  TaskDataError,
  taskDocuments,
} from '../src/index.js';
import { loadTaskData, readShardDocuments, type TaskData, writeMidTrainingShard } from '../src/node.js';
import { useChatFormat } from './helpers/chat.js';

const chat = useChatFormat();
let data: TaskData;
beforeAll(async () => {
  data = await loadTaskData();
});

describe('mid-training data', () => {
  it('copySequences: [eot, s, s] with ids in range and lengths in bounds, deterministic in the seed', () => {
    const o = { count: 50, vocabSize: 300, firstId: 9, endOfText: 0, seed: 4, minLength: 5, maxLength: 12 };
    const docs = copySequences(o);
    expect(docs).toHaveLength(50);
    const lengths = new Set<number>();
    for (const d of docs) {
      expect(d[0]).toBe(0);
      const n = (d.length - 1) / 2;
      expect(Number.isInteger(n)).toBe(true);
      lengths.add(n);
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(12);
      expect(d.slice(1, 1 + n)).toEqual(d.slice(1 + n));
      for (const id of d.slice(1)) {
        expect(id).toBeGreaterThanOrEqual(9);
        expect(id).toBeLessThan(300);
      }
    }
    expect(lengths.size).toBeGreaterThan(3);
    expect(copySequences(o)).toEqual(docs);
    expect(copySequences({ ...o, seed: 5 })).not.toEqual(docs);
  });

  it('copySequences refuses bad options with a typed error naming the option', () => {
    const o = { count: 1, vocabSize: 300, firstId: 9, endOfText: 0, seed: 0 };
    expect(() => copySequences({ ...o, firstId: 300 })).toThrow(TaskDataError);
    expect(() => copySequences({ ...o, minLength: 9, maxLength: 3 })).toThrow(/option minLength/);
    expect(() => copySequences({ ...o, count: 1.5 })).toThrow(/option count/);
  });

  it('taskDocuments: each train-split task rendered after the end-of-text id, reference answer included', () => {
    const tasks = buildTasks(data, { mix: RECIPE_MIX, count: 40, seed: 9, repeat: true });
    const docs = taskDocuments(tasks, chat.format, 0);
    expect(docs).toHaveLength(40);
    for (const [i, d] of docs.entries()) {
      expect(d[0]).toBe(0);
      const text = chat.tok.decode(d.slice(1));
      expect(text).toContain(tasks[i]!.reference);
      expect(isHeldOut(tasks[i]!.item, 0.2, 0)).toBe(false);
    }
  });

  // Every sentence of a gazetteer document must be one of the six phrasings of a true fact (the
  // question first: its answer would otherwise read as "<capital> is the capital of <place>").
  const PHRASINGS = [
    /^What is the capital of (?<place>.+)\? (?<capital>.+)$/,
    /^(?<place>.+)'s capital is (?<capital>.+)$/,
    /^The capital city of (?<place>.+) is (?<capital>.+)$/,
    /^The capital of (?<place>.+) is (?<capital>.+)$/,
    /^(?<capital>.+) is the capital of (?<place>.+)$/,
    /^(?<place>[^:]+): (?<capital>.+)$/,
  ];
  const FACTS = [
    { place: 'Peru', capital: 'Lima' },
    { place: 'Chad', capital: "N'Djamena" },
    { place: 'Fiji', capital: 'Suva' },
    { place: 'Saint Lucia', capital: 'Castries' },
  ];

  it('factDocuments: perDocument true facts per document, every phrasing and fact used, deterministic', () => {
    const docs = factDocuments(FACTS, { count: 60, perDocument: 5, seed: 3 });
    expect(docs).toHaveLength(60);
    const phrasingsSeen = new Set<number>();
    const placesSeen = new Set<string>();
    for (const d of docs) {
      const sentences = d.split(/(?<=\.) /);
      expect(sentences).toHaveLength(5);
      for (const s of sentences) {
        expect(s.endsWith('.')).toBe(true);
        const body = s.slice(0, -1);
        const k = PHRASINGS.findIndex((re) => re.test(body));
        expect(k, s).toBeGreaterThanOrEqual(0);
        phrasingsSeen.add(k);
        const { place, capital } = PHRASINGS[k]!.exec(body)!.groups!;
        expect(FACTS).toContainEqual({ place, capital });
        placesSeen.add(place!);
      }
    }
    expect(phrasingsSeen.size).toBe(PHRASINGS.length);
    expect(placesSeen.size).toBe(FACTS.length);
    expect(factDocuments(FACTS, { count: 60, perDocument: 5, seed: 3 })).toEqual(docs);
    expect(factDocuments(FACTS, { count: 60, perDocument: 5, seed: 4 })).not.toEqual(docs);
    expect(factDocuments([], { count: 0, seed: 1 })).toEqual([]);
  });

  it('factDocuments refuses bad options and an empty fact list with typed errors', () => {
    expect(() => factDocuments(FACTS, { count: -1, seed: 0 })).toThrow(/option count/);
    expect(() => factDocuments(FACTS, { count: 1, perDocument: 0, seed: 0 })).toThrow(/option perDocument/);
    expect(() => factDocuments([], { count: 1, seed: 0 })).toThrow(TaskDataError);
  });

  it('writeMidTrainingShard with facts only: gazetteer documents of the shipped capitals, held-out places included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llmforge-mid-'));
    try {
      const path = await writeMidTrainingShard({
        dir: join(dir, 'mix'),
        tokenizer: chat.tok,
        specialTokens: ['<|endoftext|>'],
        vocabSize: chat.tok.vocabSize,
        data,
        families: RECIPE_MIX,
        mix: { weight: 0.5, tasks: 0, copies: 0, facts: 400 },
        seed: 1,
      });
      const shard = ShardReader.open(path);
      const eot = chat.tok.tokenToId('<|endoftext|>')!;
      const ids = Array.from(shard.read(0, shard.tokens));
      const docs = chat.tok
        .decode(ids)
        .split('<|endoftext|>')
        .filter((d) => d !== '');
      expect(docs).toHaveLength(400);
      expect(ids.filter((id) => id === eot)).toHaveLength(400);
      // read back as documents (what SFT replays): each begins with the delimiter, none lost
      const read = readShardDocuments(path, eot);
      expect(read).toHaveLength(400);
      expect(read.every((d) => d[0] === eot && d.indexOf(eot, 1) === -1)).toBe(true);
      expect(read.flat()).toEqual(ids);
      // the held-out places of the capital tasks are stated too (knowledge, not tasks)
      const heldOut = buildTasks(data, { mix: { capital: 1 }, count: 1000, seed: 1, split: 'heldout' });
      const text = docs.join(' ');
      const stated = heldOut.filter((t) =>
        text.includes(t.prompt.slice('What is the capital of '.length, -1)),
      );
      expect(stated.length).toBeGreaterThan(heldOut.length / 2);
      // each document is a run of true facts in the six phrasings (capitals such as "St. John's"
      // hold full stops, so the documents are matched against every true sentence, not split)
      const facts = buildTasks(data, { mix: { capital: 1 }, count: 1000, seed: 1, split: 'all' }).map(
        (t) => ({
          place: t.prompt.slice('What is the capital of '.length, -1),
          capital: t.reference,
        }),
      );
      const sentences = facts.flatMap((f) => factDocuments([f], { count: 40, perDocument: 1, seed: 0 }));
      for (const d of docs.slice(0, 40)) {
        let rest = d;
        while (rest !== '') {
          const s = sentences.find(
            (x) => rest.startsWith(x) && (rest.length === x.length || rest[x.length] === ' '),
          );
          expect(s, rest).toBeDefined();
          rest = rest.slice(s!.length).trimStart();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
