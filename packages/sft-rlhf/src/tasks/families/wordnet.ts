/**
 * Word meanings from WordNet 3.0 (the shipped subset: synsets with a common word), two families on
 * the same items (`word:<the word>`, shared with the letter tasks):
 *
 * ```
 * synonym      What is a synonym of glad?            → happy   (any lemma sharing a synset with glad)
 * definition   Which word means "a young dog"?       → puppy   (any lemma of that synset)
 * ```
 *
 * Only one-word lemmas are asked and taught; multi-word lemmas are accepted. Incorrect answers:
 * common words that share no synset with the word (for definitions, the answers of nearby synsets).
 */
import { oneOf } from '../answers.js';
import type { FamilyContext, Task, TaskFamily } from '../task.js';
import type { Synset, TaskData } from '../task-data.js';
import { makeTask, nearbyDistinct } from './shared.js';

const single = (w: string) => /^[a-z]+$/.test(w);

const synonymCache = new WeakMap<TaskData, Map<string, Set<string>>>();

/** word → every lemma sharing a synset with it (itself excluded). */
function synonymsOf(data: TaskData): Map<string, Set<string>> {
  let map = synonymCache.get(data);
  if (map) return map;
  map = new Map();
  for (const s of data.wordnet) {
    for (const w of s.words) {
      let set = map.get(w);
      if (!set) {
        set = new Set();
        map.set(w, set);
      }
      for (const v of s.words) if (v !== w) set.add(v);
    }
  }
  synonymCache.set(data, map);
  return map;
}

/**
 * `synonym`: a word → any of its WordNet synonyms (the taught one: the most common one-word synonym).
 *
 * @example
 * ```ts
 * buildTasks(data, { mix: { synonym: 1 }, count: 1 })[0].prompt; // 'What is a synonym of ...?'
 * ```
 */
export function synonymFamily(): TaskFamily {
  return {
    name: 'synonym',
    description: 'a synonym of a common word (WordNet)',
    all(ctx: FamilyContext): Task[] {
      const synonyms = synonymsOf(ctx.data);
      const rank = new Map(ctx.data.words.map((w, i) => [w, i]));
      const out: Task[] = [];
      ctx.data.words.forEach((word, i) => {
        const syn = synonyms.get(word);
        if (!syn) return;
        const taught = [...syn]
          .filter((w) => single(w) && rank.has(w))
          .sort((a, b) => rank.get(a)! - rank.get(b)!);
        if (taught.length === 0) return;
        const others = [7, 13, 29, 53].map((d) => ctx.data.words[(i + d) % ctx.data.words.length]!);
        out.push(
          makeTask(
            {
              id: `synonym:word:${word}`,
              family: 'synonym',
              item: `word:${word}`,
              prompt: `What is a synonym of ${word}?`,
              reference: taught[0]!,
              candidates: [word, ...others.filter((w) => !syn.has(w))],
            },
            oneOf(syn),
          ),
        );
      });
      return out;
    },
  };
}

/** Synsets a definition question can use: a short one-clause gloss and a common one-word lemma. */
function definable(data: TaskData): { synset: Synset; word: string }[] {
  const common = new Set(data.words);
  const out: { synset: Synset; word: string }[] = [];
  for (const synset of data.wordnet) {
    if (synset.gloss.length > 40 || synset.gloss.includes(';')) continue;
    const word = synset.words.find((w) => single(w) && common.has(w));
    if (word) out.push({ synset, word });
  }
  return out;
}

/**
 * `definition`: a short WordNet gloss → a word with that meaning (a reverse dictionary).
 *
 * @example
 * ```ts
 * const t = buildTasks(data, { mix: { definition: 1 }, count: 1 })[0];
 * t.prompt; // 'Which word means "..."?'
 * ```
 */
export function definitionFamily(): TaskFamily {
  return {
    name: 'definition',
    description: 'a common word from a short definition (WordNet, a reverse dictionary)',
    all(ctx: FamilyContext): Task[] {
      const items = definable(ctx.data);
      const words = items.map((x) => x.word);
      const seen = new Set<string>();
      const out: Task[] = [];
      items.forEach(({ synset, word }, i) => {
        const id = `definition:word:${word}:${synset.gloss}`;
        if (seen.has(id)) return;
        seen.add(id);
        const others = nearbyDistinct(words, i, 6);
        out.push(
          makeTask(
            {
              id,
              family: 'definition',
              item: `word:${word}`,
              prompt: `Which word means "${synset.gloss}"?`,
              reference: word,
              candidates: others,
            },
            oneOf(synset.words),
          ),
        );
      });
      return out;
    },
  };
}
