/** Post-processors and their tokenizer.json registry (an explicit table of `type` -> builder). */
import {
  arr,
  asObject,
  type Builders,
  badField,
  fromTypeTag,
  type JSONObject,
  optBool,
  tokenId,
} from '../formats/json-fields.js';
import type { PostProcessor } from '../pipeline/types.js';
import { BertProcessing } from './bert-processing.js';
import { ByteLevelProcessing } from './byte-level.js';
import { RobertaProcessing } from './roberta-processing.js';
import { PostProcessorSequence } from './sequence.js';
import { TemplateProcessing, type TemplateSpecialToken } from './template-processing.js';

export { BertProcessing } from './bert-processing.js';
export { ByteLevelProcessing } from './byte-level.js';
export { RobertaProcessing } from './roberta-processing.js';
export { PostProcessorSequence } from './sequence.js';
export {
  type TemplatePiece,
  TemplateProcessing,
  type TemplateSpecialToken,
} from './template-processing.js';

function tokenPair(o: JSONObject, key: string, w: string): [string, number] {
  const v = o[key];
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number')
    return badField(`${w}.${key}`, '[token, id]', v);
  return [v[0], tokenId(v[1], `${w}.${key}[1]`, `e.g. ["${key === 'sep' ? '[SEP]' : '[CLS]'}", 102]`)];
}

function specialTokens(o: JSONObject, w: string): Record<string, TemplateSpecialToken> {
  const st = o.special_tokens ?? {};
  const out: Record<string, TemplateSpecialToken> = {};
  for (const [k, v] of Object.entries(asObject(st, `${w}.special_tokens`))) {
    const e = asObject(v, `${w}.special_tokens.${k}`);
    const where = `${w}.special_tokens.${k}`;
    const ids = arr(e, 'ids', where);
    const tokens = arr(e, 'tokens', where);
    ids.forEach((id, i) => {
      tokenId(id, `${where}.ids[${i}]`, 'the ids the template inserts, e.g. [101]');
    });
    tokens.forEach((t, i) => {
      if (typeof t !== 'string') badField(`${where}.tokens[${i}]`, 'a token string', t, 'e.g. ["[CLS]"]');
    });
    out[k] = { id: typeof e.id === 'string' ? e.id : k, ids: ids as number[], tokens: tokens as string[] };
  }
  return out;
}

const BUILDERS: Builders<PostProcessor> = {
  TemplateProcessing: (o, w) => {
    if (o.single === undefined) badField(`${w}.single`, 'a template', undefined);
    return new TemplateProcessing(o.single as never, (o.pair ?? null) as never, specialTokens(o, w));
  },
  BertProcessing: (o, w) => new BertProcessing(tokenPair(o, 'sep', w), tokenPair(o, 'cls', w)),
  RobertaProcessing: (o, w) =>
    new RobertaProcessing(
      tokenPair(o, 'sep', w),
      tokenPair(o, 'cls', w),
      optBool(o, 'trim_offsets', w, true),
      optBool(o, 'add_prefix_space', w, true),
    ),
  ByteLevel: (o, w) =>
    new ByteLevelProcessing(optBool(o, 'trim_offsets', w, true), optBool(o, 'add_prefix_space', w, true)),
  Sequence: (o, w) =>
    new PostProcessorSequence(
      arr(o, 'processors', w).map((p, i) => postProcessorFromJSON(p, `${w}.processors[${i}]`)),
    ),
};

/** The post-processor `type` tags this library reads. */
export const POST_PROCESSOR_TYPES = Object.keys(BUILDERS);

/**
 * Builds a post-processor from its tokenizer.json object.
 *
 * @example
 * ```ts
 * postProcessorFromJSON({ type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] }).addedTokens(false) // 2
 * ```
 */
export function postProcessorFromJSON(obj: unknown, where = 'post_processor'): PostProcessor {
  return fromTypeTag(obj, where, BUILDERS);
}
