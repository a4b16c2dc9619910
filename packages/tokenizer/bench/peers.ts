// The peers we measure against, each behind the same signature: text -> ids.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type Encoding = 'o200k_base' | 'cl100k_base';
export interface Peer {
  name: string;
  encode: (text: string) => ArrayLike<number>;
}

export async function loadPeers(encoding: Encoding): Promise<Peer[]> {
  const peers: Peer[] = [];
  const gpt = (await import(`gpt-tokenizer/encoding/${encoding}`)) as { encode: (t: string) => number[] };
  peers.push({ name: 'gpt-tokenizer', encode: (t) => gpt.encode(t) });
  const ai = (await import('ai-tokenizer')) as unknown as {
    Tokenizer: new (e: unknown) => { encode: (t: string) => number[] };
  };
  const aiEnc = await import(`ai-tokenizer/encoding/${encoding}`);
  const aiTok = new ai.Tokenizer(aiEnc);
  peers.push({ name: 'ai-tokenizer', encode: (t) => aiTok.encode(t) });
  const jsT = require('js-tiktoken') as { getEncoding: (n: string) => { encode: (t: string) => number[] } };
  const jsEnc = jsT.getEncoding(encoding);
  peers.push({ name: 'js-tiktoken', encode: (t) => jsEnc.encode(t) });
  const wasm = require('tiktoken') as { get_encoding: (n: string) => { encode: (t: string) => Uint32Array } };
  const wasmEnc = wasm.get_encoding(encoding);
  peers.push({ name: 'tiktoken (WASM)', encode: (t) => wasmEnc.encode(t) });
  return peers;
}

export function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
