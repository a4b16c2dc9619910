/**
 * START HERE. Byte pair encoding in its plainest form, the way minbpe teaches it: lists of ids, a
 * dictionary of merges, no caches, no typed arrays. Everything else in `models/bpe/` computes exactly
 * what these functions compute, only faster, and the tests run every fast implementation against
 * these on random inputs (`test/bpe-merge.test.ts`, `test/train-bpe.test.ts`).
 *
 * Ids are small integers: the initial symbols of a word (bytes in byte-level BPE, characters
 * otherwise), then one new id per merged token. Training learns the merges, encoding replays them:
 *
 *     training     pairCounts([1, 2, 3, 1, 2])           -> {(1,2): 2, (2,3): 1, (3,1): 1}
 *                  (1,2) is the most frequent: new id 4   -> merges (1,2) -> 4, rank 0
 *                  mergePair([1, 2, 3, 1, 2], [1, 2], 4)  -> [4, 3, 4]
 *                  pairCounts([4, 3, 4])                   -> {(4,3): 1, (3,4): 1}  ... and so on
 *
 *     encoding     with the merges (1,2) -> 4 rank 0, (4,3) -> 5 rank 1:
 *                  [1, 2, 3, 1, 2]   pairs (1,2):0 (2,3):- (3,1):- (1,2):0  -> merge the leftmost rank 0
 *                  [4, 3, 1, 2]      pairs (4,3):1 (3,1):- (1,2):0          -> merge (1,2)
 *                  [4, 3, 4]         pairs (4,3):1 (3,4):-                  -> merge (4,3)
 *                  [5, 4]            no pair has a rank                     -> done
 *
 * Where the fast versions live and what they add:
 *
 * | reference here        | fast version                                   | what makes it fast                                      |
 * |-----------------------|------------------------------------------------|---------------------------------------------------------|
 * | `encodeWithRanks`     | `merge.ts` `mergeWord` (+ `pair-table.ts`)     | typed arrays; a rank cache per word; per-rank buckets for 100k-symbol words |
 * | `encodeWithRanks`     | `byte-level.ts` `ByteLevelBPE` (tiktoken path) | UTF-8 into a reused buffer, a per-piece cache           |
 * | `trainOnCounts`       | `trainer.ts` `trainBpe`                        | pair counts updated per merge instead of recounted, a lazy max-heap |
 *
 * `model.ts` is HF's BPE model around the merge loop (unknown characters, byte fallback,
 * `continuing_subword_prefix`, dropout), `serialization.ts` its tokenizer.json form.
 */

/** A pair of adjacent ids, written `"a,b"` as a map key (minbpe uses Python tuples). */
export type PairKey = string;

/** The key of the pair `(a, b)`. */
function pairKey(a: number, b: number): PairKey {
  return `${a},${b}`;
}

/**
 * How often each adjacent pair occurs in `ids`, added to `counts` (each occurrence weighs `weight`,
 * the count of the word `ids` came from).
 *
 * @example
 * ```ts
 * pairCounts([1, 2, 3, 1, 2]); // Map { '1,2' => 2, '2,3' => 1, '3,1' => 1 }
 * ```
 */
export function pairCounts(
  ids: readonly number[],
  counts: Map<PairKey, number> = new Map(),
  weight = 1,
): Map<PairKey, number> {
  for (let i = 0; i + 1 < ids.length; i++) {
    const key = pairKey(ids[i]!, ids[i + 1]!);
    counts.set(key, (counts.get(key) ?? 0) + weight);
  }
  return counts;
}

/**
 * Replaces every occurrence of `pair` in `ids`, left to right, with `newId`.
 *
 * @example
 * ```ts
 * mergePair([1, 2, 3, 1, 2], [1, 2], 4); // [4, 3, 4]
 * mergePair([7, 7, 7], [7, 7], 8);       // [8, 7]: the leftmost occurrence wins an overlap
 * ```
 */
export function mergePair(ids: readonly number[], pair: readonly [number, number], newId: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === pair[0] && ids[i + 1] === pair[1]) {
      out.push(newId);
      i++;
    } else out.push(ids[i]!);
  }
  return out;
}

/** The merges a vocabulary knows: the rank of a pair (lower merges first; -1 = never) and what rank `r` makes. */
export interface MergeRanks {
  rank(a: number, b: number): number;
  readonly merged: ArrayLike<number>;
}

/**
 * Encodes one word: while some adjacent pair has a rank, merge the pair of the lowest rank (the
 * leftmost one when several have it) into `merged[rank]`. One merge per step, as HF and tiktoken do.
 *
 * @example
 * ```ts
 * const ranks = new Map([['1,2', 0], ['4,3', 1]]);
 * const table = { rank: (a: number, b: number) => ranks.get(`${a},${b}`) ?? -1, merged: [4, 5] };
 * encodeWithRanks([1, 2, 3, 1, 2], table); // [5, 4]
 * ```
 */
export function encodeWithRanks(ids: readonly number[], table: MergeRanks): number[] {
  let word = [...ids];
  for (;;) {
    let best = -1;
    let bestRank = -1;
    for (let i = 0; i + 1 < word.length; i++) {
      const r = table.rank(word[i]!, word[i + 1]!);
      if (r >= 0 && (best < 0 || r < bestRank)) {
        best = i;
        bestRank = r;
      }
    }
    if (best < 0) return word;
    word = [...word.slice(0, best), table.merged[bestRank]!, ...word.slice(best + 2)];
  }
}

/** What {@link trainOnCounts} learns: the merges in order, and the vocabulary they grew. */
export interface Learned {
  /** The merged pairs of ids, first learned first. */
  merges: [number, number][];
  /** Token of each id: the initial symbols, then one merged string per new token. */
  vocab: string[];
}

/**
 * Learns merges from words with counts until the vocabulary holds `vocabSize` tokens: count every
 * pair across all words (each occurrence weighs its word's count), merge the most frequent into a
 * new token, repeat. Ties go to the pair with the smaller left id, then the smaller right id (HF's
 * order). `vocab` names the ids the words start with; a merged token is the two strings joined, and
 * a string already in the vocabulary keeps its id (`(a, bc)` and `(ab, c)` both make `abc`, as in
 * HF). Stops early when no pair occurs `minFrequency` times.
 *
 * @example
 * ```ts
 * // "hug" x10, "pug" x5, "hugs" x5 with h=0 u=1 g=2 p=3 s=4:
 * trainOnCounts([[0, 1, 2], [3, 1, 2], [0, 1, 2, 4]], [10, 5, 5], ['h', 'u', 'g', 'p', 's'], 7);
 * // { merges: [[1, 2], [0, 5]], vocab: ['h', 'u', 'g', 'p', 's', 'ug', 'hug'] }   (u,g) 20 times, then (h,ug) 15
 * ```
 */
export function trainOnCounts(
  words: readonly (readonly number[])[],
  counts: readonly number[],
  vocab: readonly string[],
  vocabSize: number,
  minFrequency = 1,
): Learned {
  let current = words.map((w) => [...w]);
  const learned: Learned = { merges: [], vocab: [...vocab] };
  while (learned.vocab.length < vocabSize) {
    const stats = new Map<PairKey, number>();
    for (let i = 0; i < current.length; i++) pairCounts(current[i]!, stats, counts[i]!);
    let best: [number, number] | null = null;
    let bestCount = 0;
    for (const [key, count] of stats) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      const better =
        count > bestCount || (count === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])));
      if (best === null || better) {
        best = [a, b];
        bestCount = count;
      }
    }
    if (best === null || bestCount < minFrequency) break;
    const token = learned.vocab[best[0]]! + learned.vocab[best[1]]!;
    let newId = learned.vocab.indexOf(token);
    if (newId < 0) newId = learned.vocab.push(token) - 1;
    const pair = best;
    current = current.map((w) => mergePair(w, pair, newId));
    learned.merges.push(pair);
  }
  return learned;
}
