/**
 * The tokens of the text, each with its id and the bytes it covers, and the context window: one cell
 * per position the model can see, filled as the text grows; past the context length the oldest
 * tokens leave the window (the model only ever sees the last `contextLength` of them).
 */
import type { TokenSpan } from '../engine/token-spans.js';
import { el, setChildren, visible } from '../ui/dom.js';

/** A token's label: its text made visible, or its bytes when it is only part of a character. */
export function tokenLabel(s: TokenSpan): string {
  return s.text.includes('\uFFFD') && s.hex.length > 0 ? `⟨${s.hex}⟩` : visible(s.text);
}

/** Builds the token list and the context strip; `update` redraws both. */
export function tokensView(): {
  root: HTMLElement;
  update(spans: TokenSpan[], generatedFrom: number, contextLength: number): void;
} {
  const list = el('div.tokens', { 'data-testid': 'tokens' });
  const summary = el('p.note');
  const strip = el('div.context-strip', { 'data-testid': 'context-strip' });
  const stripNote = el('p.note', { 'data-testid': 'context-note' });
  const root = el('section.card', {}, [
    el('h2', {}, ['Tokens']),
    el('p.explain', {}, [
      'The tokenizer cuts the text into pieces from its vocabulary. Each piece has an id (what the model sees) ',
      'and covers a span of the text’s UTF-8 bytes; a character such as an emoji may be split over several tokens.',
    ]),
    summary,
    list,
    el('h2', {}, ['Context window']),
    el('p.explain', {}, [
      'The model reads at most its context length of tokens. Each cell is a position; generated tokens are green. ',
      'Past the end, the oldest tokens drop out of the window.',
    ]),
    strip,
    stripNote,
  ]);

  return {
    root,
    update(spans, generatedFrom, contextLength) {
      const bytes = spans.length > 0 ? spans.at(-1)!.end : 0;
      summary.textContent = `${spans.length} tokens, ${bytes} bytes (${spans.length > 0 ? (bytes / spans.length).toFixed(2) : '0'} bytes per token)`;
      setChildren(
        list,
        spans.map((s, i) =>
          el(
            `span.token${i >= generatedFrom ? '.generated' : ''}`,
            {
              title: `id ${s.id} · token ${JSON.stringify(s.token)} · bytes ${s.start}–${s.end} (${s.hex})`,
              'data-id': s.id,
            },
            [
              el('span.token-text', {}, [tokenLabel(s)]),
              el('span.token-meta', {}, [`${s.id} · ${s.start}–${s.end}`]),
            ],
          ),
        ),
      );
      const first = Math.max(0, spans.length - contextLength);
      const cells: HTMLElement[] = [];
      for (let p = 0; p < contextLength; p++) {
        const s = spans[first + p];
        const kind = s === undefined ? 'empty' : first + p >= generatedFrom ? 'generated' : 'prompt';
        cells.push(
          el(`span.cell.${kind}`, {
            title: s ? `position ${p}: ${tokenLabel(s)} (id ${s.id})` : `position ${p}: empty`,
          }),
        );
      }
      setChildren(strip, cells);
      const used = Math.min(spans.length, contextLength);
      stripNote.textContent =
        `${used} / ${contextLength} positions used` +
        (first > 0 ? `; ${first} earlier token${first === 1 ? ' has' : 's have'} left the window` : '');
    },
  };
}
