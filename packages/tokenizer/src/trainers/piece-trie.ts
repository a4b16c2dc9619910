/**
 * A trie over the code points of the Unigram trainer's pieces, for finding every piece that starts
 * at a position of a word without building substrings. Edges live in one number-keyed map
 * (`node × 0x110000 + codePoint -> child`), which is far cheaper than hashing substrings.
 *
 * ```
 * pieces ▁t ▁th ▁the t th
 * root ─▁─► 1 ─t─► 2 (▁t) ─h─► 3 (▁th) ─e─► 4 (▁the)
 *  └──t─► 5 (t) ─h─► 6 (th)
 * walk "▁then" from 0: ▁t ▁th ▁the, then no child for "n": stop
 * ```
 */
const STRIDE = 0x110000;

export class PieceTrie {
  private readonly edges = new Map<number, number>();
  /** Piece index ending at each node, -1 where none. */
  private pieceAt: Int32Array;
  private nodes = 1;

  constructor(pieces: readonly string[]) {
    this.pieceAt = new Int32Array(1024).fill(-1);
    pieces.forEach((piece, id) => {
      let node = 0;
      for (const ch of piece) {
        const key = node * STRIDE + ch.codePointAt(0)!;
        let next = this.edges.get(key);
        if (next === undefined) {
          next = this.nodes++;
          if (next === this.pieceAt.length) {
            const grown = new Int32Array(next * 2).fill(-1);
            grown.set(this.pieceAt);
            this.pieceAt = grown;
          }
          this.edges.set(key, next);
        }
        node = next;
      }
      this.pieceAt[node] = id;
    });
  }

  /** The child of `node` along code point `cp`, or -1. The root is node 0. */
  child(node: number, cp: number): number {
    return this.edges.get(node * STRIDE + cp) ?? -1;
  }

  /** The piece ending at `node`, or -1. */
  piece(node: number): number {
    return this.pieceAt[node]!;
  }
}
