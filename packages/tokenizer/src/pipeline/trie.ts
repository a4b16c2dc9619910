/**
 * The package's trie, shared by the Unigram model (find every vocabulary piece that starts at a
 * position of a text), the Unigram trainer (the same over every word of the corpus), its seed
 * counter (count every substring of every word) and the added-token matcher (the longest special
 * token at a position). A node is a small integer (the root is 0); the edges live
 * in one number-keyed map, `node × 0x110000 + symbol -> child`, which is far cheaper than hashing
 * substrings. Symbols are whatever the caller walks: UTF-16 units (the model reads JS strings) or
 * code points (the trainer's words); both are below 0x110000.
 *
 * ```
 * pieces ▁t ▁th ▁the t th     (values: their ids 0..4)
 * root ─▁─► 1 ─t─► 2 (0) ─h─► 3 (1) ─e─► 4 (2)
 *  └──t─► 5 (3) ─h─► 6 (4)
 * walk "▁then" from the root: ▁t ▁th ▁the, then no child for "n": stop
 * ```
 */
import { grown } from './typed-arrays.js';

const STRIDE = 0x110000;

/**
 * @example
 * ```ts
 * const trie = new Trie();
 * trie.insert('ab', 7, 'unit');
 * trie.value(trie.child(trie.child(0, 0x61), 0x62)); // 7 (0x61 'a', 0x62 'b')
 * trie.child(0, 0x62); // -1: nothing starts with 'b'
 * ```
 */
export class Trie {
  private readonly edges = new Map<number, number>();
  /** The value at each node (a piece id), -1 where none. */
  private values = new Int32Array(1024).fill(-1);
  private nodes = 1;

  /** Number of nodes, the root included; a new node gets the number `size` had before. */
  get size(): number {
    return this.nodes;
  }

  /** The child of `node` along `symbol`, or -1. */
  child(node: number, symbol: number): number {
    return this.edges.get(node * STRIDE + symbol) ?? -1;
  }

  /** The child of `node` along `symbol`, made if missing. */
  childOrAdd(node: number, symbol: number): number {
    const key = node * STRIDE + symbol;
    const next = this.edges.get(key);
    if (next !== undefined) return next;
    const made = this.nodes++;
    if (made === this.values.length) this.values = grown(this.values, made * 2, -1);
    this.edges.set(key, made);
    return made;
  }

  /** The value at `node`, -1 where none. */
  value(node: number): number {
    return this.values[node]!;
  }

  /**
   * Walks `text` from the root, by UTF-16 unit or by code point, making nodes as needed, and sets
   * `value` at the last one.
   */
  insert(text: string, value: number, by: 'unit' | 'codePoint'): void {
    let node = 0;
    if (by === 'unit') for (let i = 0; i < text.length; i++) node = this.childOrAdd(node, text.charCodeAt(i));
    else for (const ch of text) node = this.childOrAdd(node, ch.codePointAt(0)!);
    this.values[node] = value;
  }
}
