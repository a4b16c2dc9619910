/**
 * TemplateProcessing: where special tokens go around one sequence ($A) or a pair ($A, $B), and the
 * type id of every part. BERT's template, written the short way and the tokenizer.json way:
 *
 *   single "[CLS]:0 $A:0 [SEP]:0"          [{SpecialToken:{id:"[CLS]",type_id:0}}, {Sequence:{id:"A",type_id:0}}, ...]
 *   pair   "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1"
 *
 *   "hi" + "yo"  ->  [CLS] hi [SEP] yo [SEP]   type ids 0 0 0 1 1
 *
 * `special_tokens` maps each template name to one or more (id, token) pairs.
 */
import { badField } from '../formats/json-fields.js';
import type { EncodedToken, PostProcessor } from '../pipeline/types.js';

/** One element of a template. */
export type TemplatePiece =
  | { SpecialToken: { id: string; type_id: number } }
  | { Sequence: { id: 'A' | 'B'; type_id: number } };

/** What a special-token name of a template expands to. */
export interface TemplateSpecialToken {
  id: string;
  ids: number[];
  tokens: string[];
}

/** A template piece's `type_id`: a small non-negative integer (0 when missing). */
function typeId(v: unknown, where: string): number {
  if (v === undefined || v === null) return 0;
  if (!Number.isSafeInteger(v) || (v as number) < 0)
    return badField(
      `${where}.type_id`,
      'a non-negative integer',
      v,
      'type ids are 0 for the first sequence, 1 for the second',
    );
  return v as number;
}

/** Parses "[CLS]:0 $A:0 [SEP]:0" (or the array form) into template pieces. */
function parseTemplate(t: unknown, where: string): TemplatePiece[] {
  if (Array.isArray(t)) {
    return t.map((p, i) => {
      const o = p as Record<string, { id?: unknown; type_id?: unknown }>;
      if (o?.SpecialToken && typeof o.SpecialToken.id === 'string')
        return {
          SpecialToken: { id: o.SpecialToken.id, type_id: typeId(o.SpecialToken.type_id, `${where}[${i}]`) },
        };
      if (o?.Sequence && (o.Sequence.id === 'A' || o.Sequence.id === 'B'))
        return { Sequence: { id: o.Sequence.id, type_id: typeId(o.Sequence.type_id, `${where}[${i}]`) } };
      return badField(
        `${where}[${i}]`,
        '{ SpecialToken: {id, type_id} } or { Sequence: {id: "A"|"B", type_id} }',
        p,
      );
    });
  }
  if (typeof t === 'string') {
    return t
      .split(/\s+/)
      .filter((s) => s.length > 0)
      .map((item): TemplatePiece => {
        const m = /^(.*?)(?::(\d+))?$/.exec(item)!;
        const name = m[1]!;
        const typeId = m[2] === undefined ? 0 : Number(m[2]);
        if (name === '$A' || name === '$' || name === '$0') return { Sequence: { id: 'A', type_id: typeId } };
        if (name === '$B' || name === '$1') return { Sequence: { id: 'B', type_id: typeId } };
        return { SpecialToken: { id: name, type_id: typeId } };
      });
  }
  return badField(where, 'a template string or array', t);
}

/**
 * @example
 * ```ts
 * const p = new TemplateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', {
 *   '[CLS]': { id: '[CLS]', ids: [101], tokens: ['[CLS]'] },
 *   '[SEP]': { id: '[SEP]', ids: [102], tokens: ['[SEP]'] },
 * });
 * p.addedTokens(false) // 2
 * ```
 */
export class TemplateProcessing implements PostProcessor {
  readonly type = 'TemplateProcessing';
  readonly single: TemplatePiece[];
  readonly pair: TemplatePiece[];
  readonly specialTokens: Record<string, TemplateSpecialToken>;

  constructor(
    single: string | TemplatePiece[],
    pair: string | TemplatePiece[] | null,
    specialTokens: Record<string, TemplateSpecialToken>,
  ) {
    this.single = parseTemplate(single, 'post_processor.single');
    this.pair =
      pair === null
        ? [...this.single, { Sequence: { id: 'B', type_id: 1 } }]
        : parseTemplate(pair, 'post_processor.pair');
    this.specialTokens = specialTokens;
    for (const [k, t] of [...this.single, ...this.pair].entries()) {
      if ('SpecialToken' in t && !Object.hasOwn(specialTokens, t.SpecialToken.id))
        badField(
          `post_processor.special_tokens`,
          `an entry for "${t.SpecialToken.id}" used by the template`,
          `none (item ${k})`,
        );
    }
  }

  addedTokens(pair: boolean): number {
    let n = 0;
    for (const t of pair ? this.pair : this.single) {
      if ('SpecialToken' in t) n += this.specialTokens[t.SpecialToken.id]?.ids.length ?? 0;
    }
    return n;
  }

  process(first: EncodedToken[], second: EncodedToken[] | null, addSpecialTokens: boolean): EncodedToken[] {
    if (!addSpecialTokens) return second ? [...first, ...second] : first;
    const out: EncodedToken[] = [];
    for (const t of second ? this.pair : this.single) {
      if ('Sequence' in t) {
        const seq = t.Sequence.id === 'A' ? first : second;
        if (seq) for (const tok of seq) out.push({ ...tok, typeId: t.Sequence.type_id });
      } else {
        const sp = this.specialTokens[t.SpecialToken.id]!;
        sp.ids.forEach((id, k) => {
          out.push({
            id,
            value: sp.tokens[k] ?? '',
            start: 0,
            end: 0,
            typeId: t.SpecialToken.type_id,
            special: true,
          });
        });
      }
    }
    return out;
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, single: this.single, pair: this.pair, special_tokens: this.specialTokens };
  }
}
