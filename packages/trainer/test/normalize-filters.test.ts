import { describe, expect, it } from 'vitest';
import { nonLetterFraction, normalizeText, qualityVerdict, repeatedLineFraction } from '../src/index.js';

const defaults = { unicode: 'NFC', newlines: 'lf', whitespace: 'trim' } as const;
const filters = { minLength: 32, maxNonLetterFraction: 0.5, maxRepeatedLineFraction: 0.3 };

describe('normalizeText', () => {
  it('does the worked example', () => {
    expect(normalizeText('\uFEFFCafe\u0301 \r\nau lait  \r\n\r\n', defaults)).toBe('Café\nau lait');
  });
  it('NFKC folds compatibility forms; collapse squeezes runs; keep keeps', () => {
    expect(normalizeText('ﬁne Ａ', { ...defaults, unicode: 'NFKC' })).toBe('fine A');
    expect(normalizeText('a  \t b\n\n\n\nc', { ...defaults, whitespace: 'collapse' })).toBe('a b\n\nc');
    expect(normalizeText('  a \r\n', { unicode: 'none', newlines: 'keep', whitespace: 'keep' })).toBe(
      '  a \r\n',
    );
    expect(normalizeText('  indented\n  code  ', defaults)).toBe('  indented\n  code');
  });
});

describe('quality filters', () => {
  it('measures non-letters and repeated lines', () => {
    expect(nonLetterFraction('ab 12')).toBeCloseTo(0.5, 12);
    expect(nonLetterFraction('élan ÉLAN')).toBe(0);
    expect(repeatedLineFraction('Buy now!\nBuy now!\nBuy now!\nOK')).toBe(0.5);
  });
  it('names the first rule broken', () => {
    expect(qualityVerdict('too short', filters)).toBe('minLength');
    expect(qualityVerdict('1234 5678 9012 3456 7890 1234 5678 9', filters)).toBe('maxNonLetter');
    expect(
      qualityVerdict(
        'Buy now, while it lasts!\nBuy now, while it lasts!\nBuy now, while it lasts!\nOK',
        filters,
      ),
    ).toBe('maxRepeatedLines');
    expect(qualityVerdict('It is a truth universally acknowledged, that a single man.', filters)).toBeNull();
    expect(qualityVerdict('short', { ...filters, minLength: null })).toBeNull();
    expect(qualityVerdict('😀😀😀', { ...filters, minLength: 3, maxNonLetterFraction: null })).toBeNull(); // code points, not UTF-16 units
  });
});
