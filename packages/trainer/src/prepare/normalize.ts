/**
 * Text normalization before filtering, deduplication and tokenization, so that texts that read the
 * same are the same bytes:
 *
 * 1. a leading byte-order mark (U+FEFF) is dropped (an encoding artefact, never content);
 * 2. `unicode`: NFC (default) composes canonical equivalents, `e` + U+0301 → `é`; NFKC also folds
 *    compatibility characters (`ﬁ` → `fi`, full-width `Ａ` → `A`), which loses distinctions;
 * 3. `newlines`: `lf` (default) turns CRLF and lone CR into LF;
 * 4. `whitespace`: `trim` (default) removes spaces and tabs at line ends and blank lines at the
 *    start and end; `collapse` also turns runs of spaces/tabs into one space and 3+ line breaks into
 *    2 (a paragraph break); `keep` changes nothing.
 *
 * Worked example with the defaults: `"\uFEFFCafe\u0301 \r\nau lait  \r\n\r\n"` → `"Café\nau lait"`.
 */

/** Normalization options (see the module comment for each one's effect). */
export interface NormalizeOptions {
  unicode: 'NFC' | 'NFKC' | 'none';
  newlines: 'lf' | 'keep';
  whitespace: 'trim' | 'collapse' | 'keep';
}

/**
 * Normalizes one document.
 *
 * @example
 * ```ts
 * normalizeText('Cafe\u0301  \r\n', { unicode: 'NFC', newlines: 'lf', whitespace: 'trim' }); // 'Café'
 * ```
 */
export function normalizeText(text: string, o: NormalizeOptions): string {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (o.unicode !== 'none') text = text.normalize(o.unicode);
  if (o.newlines === 'lf') text = text.replace(/\r\n?/g, '\n');
  if (o.whitespace === 'keep') return text;
  text = text.replace(/[ \t]+$/gm, ''); // trailing spaces and tabs of every line
  if (o.whitespace === 'collapse') text = text.replace(/[ \t]{2,}/g, ' ').replace(/\n{3,}/g, '\n\n');
  return text.replace(/^\n+/, '').replace(/\n+$/, '');
}
