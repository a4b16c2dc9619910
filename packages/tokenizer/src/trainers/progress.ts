/**
 * Progress reports of the trainers, e.g. `{ phase: 'count', done: 12_000_000, total: 0 }` (bytes
 * read; total unknown while streaming) or `{ phase: 'merge', done: 4096, total: 7936 }`.
 */
export interface TrainProgress {
  /** `count` (reading text, counting words), `merge` (BPE merges), `seed`, `em`, `prune` (Unigram). */
  phase: 'count' | 'merge' | 'seed' | 'em' | 'prune';
  /** Work done so far in this phase (bytes, merges, EM rounds...). */
  done: number;
  /** Work this phase will do in all, 0 when unknown. */
  total: number;
}
