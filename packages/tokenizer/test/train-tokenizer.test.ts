import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { saveTokenizer } from '../src/node.js';
import { Tokenizer } from '../src/tokenizer/tokenizer.js';
import type { TrainProgress } from '../src/trainers/progress.js';
import { trainTokenizer } from '../src/trainers/train-tokenizer.js';

const require = createRequire(import.meta.url);
const hf = require('@anush008/tokenizers') as {
  Tokenizer: {
    fromFile(path: string): {
      encode(text: string): Promise<{ getIds(): number[] }>;
      decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
    };
  };
};
const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url));
const austen = gunzipSync(fixture('austen-train.txt.gz')).toString('utf8');
const heldout = fixture('heldout.txt').toString('utf8');
const reference = JSON.parse(fixture('tokenizers.json').toString('utf8')) as Record<
  string,
  { heldout_bytes: number; heldout_tokens: number; cases: { text: string }[] }
>;
const tmp = mkdtempSync(join(tmpdir(), 'llmforge-train-'));

describe('trainTokenizer (BPE)', () => {
  it('beats or matches HF byte-level BPE compression on Austen heldout, and HF loads the saved file with the same ids', async () => {
    const hfJSON = JSON.parse(fixture('hf-bytelevel-bpe.tokenizer.json').toString('utf8'));
    const vocabSize = Object.keys(hfJSON.model.vocab).length; // special token included, as HF counts
    const progress: TrainProgress[] = [];
    const tok = await trainTokenizer(
      {
        model: 'bpe',
        vocabSize,
        minFrequency: 0,
        specialTokens: ['<|endoftext|>'],
        onProgress: (p) => progress.push(p),
      },
      austen,
    );
    expect(tok.vocabSize).toBe(vocabSize);
    expect(progress.some((p) => p.phase === 'merge')).toBe(true);

    const ids = tok.encode(heldout);
    const ref = reference['hf-bytelevel-bpe']!;
    const ourBytesPerToken = Buffer.byteLength(heldout) / ids.length;
    expect(ourBytesPerToken).toBeGreaterThanOrEqual(ref.heldout_bytes / ref.heldout_tokens);
    expect(tok.decode(ids)).toBe(heldout);

    const file = join(tmp, 'bpe.json');
    await saveTokenizer(tok, file);
    const theirs = hf.Tokenizer.fromFile(file);
    expect((await theirs.encode(heldout)).getIds()).toEqual(ids);
    for (const { text } of ref.cases.slice(0, 40))
      expect((await theirs.encode(text)).getIds()).toEqual(tok.encode(text));
    expect(tok.encode('<|endoftext|>')).toEqual([0]);
  });

  it('trains from an async stream with cl100k splitting, and HF agrees on the ids', async () => {
    async function* lines() {
      const all = austen.slice(0, 400_000).split(/(?<=\n)/);
      for (let i = 0; i < all.length; i += 500) yield all.slice(i, i + 500).join('');
    }
    const tok = await trainTokenizer({ model: 'bpe', vocabSize: 1000, pattern: 'cl100k' }, lines());
    expect(tok.vocabSize).toBe(1000);
    const text = heldout.slice(0, 20_000);
    const file = join(tmp, 'cl100k.json');
    await saveTokenizer(tok, file);
    expect((await hf.Tokenizer.fromFile(file).encode(text)).getIds()).toEqual(tok.encode(text));
    expect(tok.decode(tok.encode(text))).toBe(text);
  });
  it('learns over characters with byteLevel: false, with byte fallback or <unk>, as HF reads it', async () => {
    const text = 'Mr. Darcy smiled — naïve 漢字 end';
    for (const byteFallback of [true, false]) {
      const tok = await trainTokenizer(
        { model: 'bpe', vocabSize: 700, byteLevel: false, byteFallback },
        austen.slice(0, 300_000),
      );
      const file = join(tmp, `chars-${byteFallback}.json`);
      await saveTokenizer(tok, file);
      const ids = tok.encode(text);
      expect((await hf.Tokenizer.fromFile(file).encode(text)).getIds()).toEqual(ids);
      if (byteFallback) expect(tok.decode(ids)).toBe(text);
      else {
        const unseen = [...text].filter((ch) => tok.tokenToId(ch) === undefined);
        expect(unseen).toEqual(expect.arrayContaining(['漢', '字']));
        expect(ids.filter((id) => id === 0)).toHaveLength(unseen.length); // one <unk> per unseen character
        expect(tok.tokenToId('<unk>')).toBe(0);
      }
    }
  });
});

describe('trainTokenizer (Unigram)', () => {
  it('builds a Unigram tokenizer whose ids match HF and which round-trips through Tokenizer.fromJSON', async () => {
    const tok = await trainTokenizer(
      { model: 'unigram', vocabSize: 800, byteFallback: true, specialTokens: ['<s>', '</s>'] },
      austen.slice(0, 600_000),
    );
    expect(tok.vocabSize).toBe(800);
    expect(tok.tokenToId('<unk>')).toBe(0);
    expect(tok.tokenToId('<0x00>')).toBe(3); // after <unk> <s> </s>
    expect(tok.tokenToId('<0x41>')).toBe(3 + 0x41);
    const text = `${heldout.slice(0, 5000)} ünïcödé 漢字`;
    const ids = tok.encode(text);
    const file = join(tmp, 'unigram.json');
    await saveTokenizer(tok, file);
    expect((await hf.Tokenizer.fromFile(file).encode(text)).getIds()).toEqual(ids);
    const again = Tokenizer.fromJSON(readFileSync(file, 'utf8'));
    expect(again.encode(text)).toEqual(ids);
    // Normalization folds whitespace runs to one space and strips the ends, like SentencePiece.
    expect(tok.decode(tok.encode('  Mr.   Darcy\nsmiled.  '))).toBe('Mr. Darcy smiled.');
  });

  it('names a bad model in a typed error', async () => {
    await expect(trainTokenizer({ model: 'wordpiece' as never, vocabSize: 10 }, 'x')).rejects.toThrow(
      /trainTokenizer: options.model: expected "bpe" or "unigram", found "wordpiece"/,
    );
  });
});
