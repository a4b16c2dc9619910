import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildTasks,
  copySequences,
  isHeldOut,
  RECIPE_MIX,
  TaskDataError,
  taskDocuments,
} from '../src/index.js';
import { loadTaskData, type TaskData } from '../src/node.js';
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
});
