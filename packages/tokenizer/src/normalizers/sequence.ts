/** Sequence: runs normalizers one after the other. */
import type { Normalizer, Piece } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new NormalizerSequence([new UnicodeNormalizer('NFD'), new StripAccents(), new Lowercase()])
 *   .normalizeString('Éa') // 'ea'
 * ```
 */
export class NormalizerSequence implements Normalizer {
  readonly type = 'Sequence';
  constructor(readonly normalizers: Normalizer[]) {}
  normalizeString(text: string): string {
    for (const n of this.normalizers) text = n.normalizeString(text);
    return text;
  }
  normalize(piece: Piece): Piece {
    for (const n of this.normalizers) piece = n.normalize(piece);
    return piece;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, normalizers: this.normalizers.map((n) => n.toJSON()) };
  }
}
