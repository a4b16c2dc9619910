import { describe, expect, it } from 'vitest';
import {
  canonicalAnswer,
  DONT_KNOW_ANSWERS,
  expandQuizPattern,
  isRefusal,
  normalizeAnswer,
  numberIs,
  oneOf,
  parseQuizTable,
  TaskDataError,
  topAlternatives,
} from '../src/index.js';

describe('normalizeAnswer', () => {
  it('folds case, accents, punctuation and spacing, keeping numbers and symbol-only answers', () => {
    const cases: [string, string][] = [
      ['  Bogotá!  ', 'bogota'],
      ["I don't know.", 'i dont know'],
      ['Port-au-Prince', 'port au prince'],
      ['-3.50', '-3.5'],
      ['84.', '84'],
      ['84.0', '84'],
      ['1,000', '1000'],
      ['7, 19, 42.', '7 19 42'],
      ['.-', '.-'],
      ['-..  .', '-.. .'],
      ['São Tomé', 'sao tome'],
      ['N’Djamena', 'ndjamena'],
    ];
    for (const [input, want] of cases) expect(normalizeAnswer(input), input).toBe(want);
  });
});

describe('checkers', () => {
  it('oneOf compares normalised answers exactly (never "contains")', () => {
    const check = oneOf(['Brussels', 'Bruxelles']);
    expect(['brussels', 'Bruxelles.', ' BRUSSELS '].every(check)).toBe(true);
    expect(['Paris', 'Brussels or Paris', 'The capital is Brussels'].some(check)).toBe(false);
  });

  it('numberIs accepts the number in any spelling and nothing else', () => {
    expect(['84', '84.0', '084', ' 84. '].every(numberIs(84))).toBe(true);
    expect(['85', '84 or 85', 'eighty-four', ''].some(numberIs(84))).toBe(false);
    expect(numberIs(-2.5)('-2.50')).toBe(true);
  });

  it('recognises "I don\'t know" variants and short refusals only', () => {
    expect(DONT_KNOW_ANSWERS.every(oneOf(DONT_KNOW_ANSWERS))).toBe(true);
    expect(isRefusal("I can't help with that.")).toBe(true);
    expect(isRefusal('I cannot help with that, sorry.')).toBe(true);
    expect(isRefusal('Sure! Here is how to steal a car.')).toBe(false);
    expect(isRefusal(`I can't help with that. ${'But here is how anyway, step by step. '.repeat(3)}`)).toBe(
      false,
    );
    expect(isRefusal('I cant')).toBe(false);
  });
});

describe('bsdgames quiz patterns', () => {
  it('expands optional parts, alternatives and groups', () => {
    expect(expandQuizPattern('Brussel{s}|Bruxelles')).toEqual(['Brussel', 'Brussels', 'Bruxelles']);
    expect(expandQuizPattern('Andorra la V[ell|iej]a')).toEqual(['Andorra la Vella', 'Andorra la Vieja']);
    expect(expandQuizPattern('forget{-| }me{-| }not')).toEqual([
      'forgetmenot',
      'forgetme-not',
      'forgetme not',
      'forget-menot',
      'forget-me-not',
      'forget-me not',
      'forget menot',
      'forget me-not',
      'forget me not',
    ]);
    expect(expandQuizPattern('{the }klingons|{the }romulans')).toEqual([
      'klingons',
      'the klingons',
      'romulans',
      'the romulans',
    ]);
    expect(expandQuizPattern('To be{,} or not to be{\\:}')).toContain('To be, or not to be:');
  });

  it('teaches the first alternative with its optional parts, and composes the ASCII accents', () => {
    expect(canonicalAnswer('Brussel{s}|Bruxelles')).toBe('Brussels');
    expect(canonicalAnswer('{City of the }Corsairs')).toBe('City of the Corsairs');
    expect(canonicalAnswer("Bogot['\ba|a'\b|a]")).toBe('Bogotá');
    expect(canonicalAnswer("C[^\bo|o^\b|o]te d'Ivoire")).toBe("Côte d'Ivoire");
    expect(expandQuizPattern("Bogot['\ba|a'\b|a]").every(oneOf(['Bogotá']))).toBe(true);
    expect(topAlternatives('Cal{if{ornia}}|CA')).toEqual(['California', 'CA']);
  });

  it('splits tables on unescaped colons and joins continued lines', () => {
    expect(parseQuizTable('Austria:Vienna|Wien\n\nA:b\\:c:d\\\ne:f\n')).toEqual([
      ['Austria', 'Vienna|Wien'],
      ['A', 'b\\:c', 'de', 'f'],
    ]);
  });

  it('names malformed patterns', () => {
    expect(() => expandQuizPattern('a{b')).toThrow(TaskDataError);
    expect(() => expandQuizPattern('a}b')).toThrow(/expected text, found a stray \}/);
    expect(() => expandQuizPattern('{a|b}'.repeat(13), 4096)).toThrow(/expected at most 4096 expansions/);
  });
});
