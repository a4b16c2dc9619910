/**
 * evaluateTasks: greedy answers judged by each task's checker, counted per family; the same figures
 * whether given a tokenizer or a ChatFormat, and a typed error for no tasks.
 */
import { describe, expect, it } from 'vitest';
import { ChatFormat, evaluateTasks, PostTrainingConfigError } from '../src/index.js';
import { chatTokenizer, tinyModel, tinyTasks } from './helpers/tiny-run.js';

describe('evaluateTasks', () => {
  it('judges greedy answers per family, deterministically', async () => {
    const tok = await chatTokenizer();
    const { train } = await tinyTasks({ capital: 1, reverse: 1 }, 6, 1);
    const model = tinyModel(tok);
    const a = await evaluateTasks(model, tok, train, { maxNewTokens: 4, keepSamples: 3 });
    const b = await evaluateTasks(model, new ChatFormat(tok), train, { maxNewTokens: 4 });
    expect(a.total).toBe(6);
    expect(Object.values(a.perFamily).reduce((n, f) => n + f.total, 0)).toBe(6);
    expect(a.solved).toBe(Object.values(a.perFamily).reduce((n, f) => n + f.solved, 0));
    expect(a.success).toBe(a.solved / a.total);
    expect(a.samples).toHaveLength(3);
    for (const s of a.samples) expect(s.correct).toBe(train.find((t) => t.id === s.id)!.check(s.answer));
    expect(b.samples.slice(0, 3).map((s) => s.answer)).toEqual(a.samples.map((s) => s.answer));
    await expect(evaluateTasks(model, tok, [])).rejects.toThrow(PostTrainingConfigError);
    model.dispose();
  });
});
