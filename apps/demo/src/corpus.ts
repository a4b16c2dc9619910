/**
 * The demo's embedded default corpus: Jane Austen's six novels (public domain), concatenated in
 * file-name order and gzipped into `data/austen.txt.gz` (1.4 MB, 4.0M characters).
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

const CORPUS_URL = new URL('../data/austen.txt.gz', import.meta.url);

/** The corpus text, or its first `maxChars` characters. */
export async function loadCorpus(maxChars?: number): Promise<string> {
  const text = gunzipSync(await readFile(CORPUS_URL)).toString('utf8');
  return maxChars === undefined ? text : text.slice(0, maxChars);
}

/** Splits at a line boundary near `trainFraction` of the text: the tail is held out for validation. */
export function splitCorpus(text: string, trainFraction: number): { train: string; val: string } {
  let cut = Math.floor(text.length * trainFraction);
  const newline = text.indexOf('\n', cut);
  if (newline !== -1) cut = newline + 1;
  return { train: text.slice(0, cut), val: text.slice(cut) };
}
