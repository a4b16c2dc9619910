/**
 * Encoding: text to ids, or to ids with tokens and offsets. The stages of `pipeline/types.ts`, in
 * order:
 *
 *   input ─► added tokens matched on the raw input (`normalized: false`)
 *         ─► for each stretch between them: normalizer ─► added tokens matched on the normalized
 *            text (`normalized: true`) ─► pre-tokenizer ─► model
 *         ─► post-processor (only with `addSpecialTokens`) ─► ids / tokens / offsets
 *
 * A byte-level BPE with no normalizer runs `fast-path.ts` instead of normalizer, pre-tokenizer and
 * model (one regex pass and the byte-level merge loop); both give the same result.
 *
 * Which special tokens written in the text count as special tokens (`allowedSpecial`):
 * - tokenizer.json / SentencePiece / GPT-2 files (HF convention): all of them, as HF does;
 * - tiktoken files (tiktoken's convention): none, and the text of one that is not allowed throws a
 *   TokenizerInputError (`disallowedSpecial: 'all'`); pass `allowedSpecial: 'all'` to encode them as
 *   special tokens or `disallowedSpecial: 'none'` to encode their text as plain text.
 */
import { TokenizerInputError } from '../errors.js';
import { originSpan, slicePiece } from '../pipeline/piece-ops.js';
import type { AddedTokenConfig, EncodedToken, Piece } from '../pipeline/types.js';
import type { TokenizerCore } from './core.js';
import type { EncodeOptions, Encoding } from './types.js';

/** The special-token rules of one call, from its options. */
interface SpecialRules {
  /** May this added token match? */
  allowed: (t: AddedTokenConfig) => boolean;
  /** Throws if the text holds a disallowed special token (`base` = offset of `text` in the input). */
  check: ((text: string, base: number) => void) | null;
}

/** Text to ids (see the file comment). */
export function encodeIds(core: TokenizerCore, text: string, options: EncodeOptions): number[] {
  const rules = specialRules(core, options);
  const added = core.addedVocabulary;
  const out: number[] = [];
  const segments = added.split(text, false, rules.allowed);
  for (const seg of segments) {
    if (seg.token) out.push(seg.token.id);
    else if (seg.end > seg.start) {
      const part = seg.start === 0 && seg.end === text.length ? text : text.slice(seg.start, seg.end);
      encodeTextIds(core, part, rules, out, seg.start === 0);
    }
  }
  // Parts not built yet: a tiktoken file, which has no post-processor (building them to see that is costly).
  const postProcessor = core.builtParts?.postProcessor ?? null;
  if (!options.addSpecialTokens || !postProcessor) return out;
  const model = core.parts().model;
  const tokens: EncodedToken[] = out.map((id) => ({
    id,
    value: core.idToToken(id) ?? model.idToToken(id) ?? '',
    start: 0,
    end: 0,
    typeId: 0,
    special: false,
  }));
  return postProcessor.process(tokens, null, true).map((t) => t.id);
}

/** Text to ids, tokens and offsets (UTF-16 spans of `text`), as HF's `Encoding`. */
export function encodeTokens(core: TokenizerCore, text: string, options: EncodeOptions): Encoding {
  const rules = specialRules(core, options);
  const added = core.addedVocabulary;
  const tokens: EncodedToken[] = [];
  const segments = added.split(text, false, rules.allowed);
  for (const seg of segments) {
    if (seg.token) {
      tokens.push(addedToken(seg.token, text.slice(seg.start, seg.end), seg.start, seg.end));
    } else if (seg.end > seg.start) {
      const piece = { text: text.slice(seg.start, seg.end), base: seg.start, map: null };
      encodeTextTokens(core, piece, rules, tokens);
    }
  }
  const postProcessor = core.builtParts?.postProcessor ?? null;
  const final = postProcessor
    ? postProcessor.process(tokens, null, options.addSpecialTokens ?? false)
    : tokens;
  return {
    ids: final.map((t) => t.id),
    tokens: final.map((t) => t.value),
    offsets: final.map((t) => [t.start, t.end] as [number, number]),
  };
}

/** Resolves `allowedSpecial` / `disallowedSpecial` into a predicate and a check of the input. */
function specialRules(core: TokenizerCore, options: EncodeOptions): SpecialRules {
  const tiktoken = core.flavor === 'tiktoken';
  const allowedSpecial = options.allowedSpecial ?? (tiktoken ? 'none' : 'all');
  let allowed: (t: AddedTokenConfig) => boolean;
  if (allowedSpecial === 'all') allowed = () => true;
  else if (allowedSpecial === 'none') allowed = (t) => !t.special;
  else {
    const set = new Set(allowedSpecial);
    allowed = (t) => !t.special || set.has(t.content);
  }
  const disallowed = options.disallowedSpecial ?? (tiktoken ? 'all' : 'none');
  if (disallowed === 'none') return { allowed, check: null };
  const set = disallowed === 'all' ? null : new Set(disallowed);
  const isDisallowed = (t: AddedTokenConfig) =>
    t.special && !allowed(t) && (set === null || set.has(t.content));
  const check = (text: string, base: number) => {
    const hit = core.addedVocabulary.split(text, false, isDisallowed).find((sp) => sp.token !== null);
    if (hit?.token) {
      throw new TokenizerInputError({
        operation: 'encode',
        expected: 'no disallowed special token in the text',
        found: `${JSON.stringify(hit.token.content)} at offset ${base + hit.start}`,
        hint: "pass { allowedSpecial: 'all' } to encode it as a special token, or { disallowedSpecial: 'none' } to encode it as text",
      });
    }
  };
  return { allowed, check };
}

/** True when the fast path replaces normalizer, pre-tokenizer and model. */
function useFastPath(core: TokenizerCore): boolean {
  const parts = core.builtParts;
  return core.fast !== null && (parts === null || parts.normalizer === null);
}

/**
 * Ids of a stretch of text with no raw added token in it. `atInputStart`: the stretch begins the
 * input (Metaspace's `prepend_scheme: "first"` prefixes only that piece, as HF does).
 */
function encodeTextIds(
  core: TokenizerCore,
  text: string,
  rules: SpecialRules,
  out: number[],
  atInputStart: boolean,
): void {
  rules.check?.(text, 0);
  const added = core.addedVocabulary;
  if (useFastPath(core)) {
    const encoder = core.fast!.encoder;
    if (!added.hasNormalized) {
      encoder.encode(text, out);
      return;
    }
    for (const sub of added.split(text, true, rules.allowed)) {
      if (sub.token) out.push(sub.token.id);
      else if (sub.end > sub.start) encoder.encode(text.slice(sub.start, sub.end), out);
    }
    return;
  }
  const { normalizer, preTokenizer, model } = core.parts();
  const normalized = normalizer ? normalizer.normalizeString(text) : text;
  const subs = added.split(normalized, true, rules.allowed);
  const pieces: string[] = [];
  for (const sub of subs) {
    if (sub.token) {
      out.push(sub.token.id);
      continue;
    }
    if (sub.end <= sub.start) continue;
    const s = normalized.slice(sub.start, sub.end);
    pieces.length = 0;
    if (preTokenizer) preTokenizer.splitString(s, pieces, atInputStart && sub.start === 0);
    else pieces.push(s);
    for (const p of pieces) model.encodeString(p, out);
  }
}

/** Tokens with offsets of a stretch of text with no raw added token in it. */
function encodeTextTokens(core: TokenizerCore, piece: Piece, rules: SpecialRules, out: EncodedToken[]): void {
  rules.check?.(piece.text, piece.base);
  const added = core.addedVocabulary;
  if (useFastPath(core)) {
    const encoder = core.fast!.encoder;
    if (!added.hasNormalized) {
      encoder.encodeWithOffsets(piece.text, piece.base, out);
      return;
    }
    for (const sub of added.split(piece.text, true, rules.allowed)) {
      if (sub.token) {
        const value = piece.text.slice(sub.start, sub.end);
        out.push(addedToken(sub.token, value, piece.base + sub.start, piece.base + sub.end));
      } else if (sub.end > sub.start) {
        encoder.encodeWithOffsets(piece.text.slice(sub.start, sub.end), piece.base + sub.start, out);
      }
    }
    return;
  }
  const { normalizer, preTokenizer, model } = core.parts();
  const normalized = normalizer ? normalizer.normalize(piece) : piece;
  const subs = added.split(normalized.text, true, rules.allowed);
  for (const sub of subs) {
    if (sub.token) {
      const [s, e] = originSpan(normalized, sub.start, sub.end);
      out.push(addedToken(sub.token, normalized.text.slice(sub.start, sub.end), s, e));
      continue;
    }
    if (sub.end <= sub.start) continue;
    const subPiece = slicePiece(normalized, sub.start, sub.end);
    const pieces = preTokenizer ? preTokenizer.preTokenize([subPiece]) : [subPiece];
    for (const p of pieces) {
      for (const t of model.tokenize(p.text)) {
        const [s, e] = originSpan(p, t.start, t.end);
        out.push({ id: t.id, value: t.value, start: s, end: e, typeId: 0, special: false });
      }
    }
  }
}

/** An added token found in the text; its value is the matched text (with lstrip/rstrip whitespace, as HF). */
function addedToken(t: AddedTokenConfig, value: string, start: number, end: number): EncodedToken {
  return { id: t.id, value, start, end, typeId: 0, special: false };
}
