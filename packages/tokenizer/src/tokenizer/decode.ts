/**
 * Decoding: ids to text.
 *
 *   ids ─► token strings (added tokens by their content, the others through the model) ─► decoder ─► text
 *
 * Byte-level BPE with a ByteLevel decoder (and every tiktoken file) goes through bytes instead: each
 * id's bytes are appended to one buffer, decoded as UTF-8 once at the end, so a character split
 * over two tokens comes out whole and nothing builds byte-level strings.
 *
 * An id that is neither a model token nor an added token throws a TokenizerInputError naming it, or
 * becomes U+FFFD with `onInvalid: 'replace'`.
 */
import { TokenizerInputError } from '../errors.js';
import { byteLevelTokenToBytes } from '../pre-tokenizers/byte-level.js';
import type { TokenizerCore } from './core.js';
import type { DecodeOptions } from './types.js';

const utf8Encoder = new TextEncoder();
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Ids to text (see the file comment). */
export function decodeIds(core: TokenizerCore, ids: readonly number[], options: DecodeOptions): string {
  const skip = options.skipSpecialTokens ?? false;
  const replace = options.onInvalid === 'replace';
  const parts = core.builtParts;
  if (core.fast?.decodeBytes && (!parts || parts.decoder?.type === 'ByteLevel')) {
    return decodeBytes(core, ids, skip, replace);
  }
  const { decoder, model } = core.parts();
  const runs: string[][] = [[]];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const added = core.addedVocabulary.byId(id);
    if (added) {
      if (!(skip && added.special)) runs[runs.length - 1]!.push(added.content);
      continue;
    }
    const token = Number.isInteger(id) ? model.idToToken(id) : undefined;
    if (token !== undefined) {
      runs[runs.length - 1]!.push(token);
      continue;
    }
    if (!replace) throw invalidId(id, i, core.maxId + 1);
    runs.push([]);
  }
  const texts = runs.map((tokens) => (decoder ? decoder.decodeChain(tokens).join('') : tokens.join(' ')));
  return texts.join('\uFFFD');
}

function decodeBytes(core: TokenizerCore, ids: readonly number[], skip: boolean, replace: boolean): string {
  const bpe = core.fast!.encoder.bpe;
  let buf = new Uint8Array(Math.max(64, ids.length * 4));
  let n = 0;
  const put = (bytes: Uint8Array) => {
    if (n + bytes.length > buf.length) {
      const bigger = new Uint8Array((n + bytes.length) * 2);
      bigger.set(buf.subarray(0, n));
      buf = bigger;
    }
    buf.set(bytes, n);
    n += bytes.length;
  };
  const tiktoken = core.flavor === 'tiktoken';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const added = core.addedVocabulary.byId(id);
    if (added) {
      if (skip && added.special) continue;
      const bytes = tiktoken
        ? utf8Encoder.encode(added.content)
        : (byteLevelTokenToBytes(added.content) ?? utf8Encoder.encode(added.content));
      put(bytes);
      continue;
    }
    const bytes = Number.isInteger(id) ? bpe.tokenBytes[id] : undefined;
    if (bytes) {
      put(bytes);
      continue;
    }
    const token = !tiktoken && Number.isInteger(id) ? core.parts().model.idToToken(id) : undefined;
    if (token !== undefined) {
      put(utf8Encoder.encode(token)); // a token with non-byte characters: its UTF-8, as HF
      continue;
    }
    if (!replace) throw invalidId(id, i, core.maxId + 1);
    put(Uint8Array.of(0xef, 0xbf, 0xbd));
  }
  return lossyDecoder.decode(buf.subarray(0, n));
}

function invalidId(id: number, index: number, size: number): TokenizerInputError {
  return new TokenizerInputError({
    operation: 'decode',
    where: `ids[${index}]`,
    expected: `a token id in [0, ${size})`,
    found: String(id),
    hint: "ids from another tokenizer? pass { onInvalid: 'replace' } to get U+FFFD instead",
  });
}
