import { describe, expect, it } from 'vitest';
import { TokenizerError, TokenizerFormatError, TokenizerInputError } from '../src/index.js';

describe('errors', () => {
  it('formats operation, location, expected, found and hint', () => {
    const e = new TokenizerFormatError({
      operation: 'fromJSON',
      file: 'tok.json',
      where: 'model.type',
      expected: 'one of BPE, Unigram, WordPiece',
      found: '"WordLevel"',
      hint: 'convert the file with the HF library',
    });
    expect(e.message).toBe(
      'fromJSON: tok.json: model.type: expected one of BPE, Unigram, WordPiece, found "WordLevel"; hint: convert the file with the HF library',
    );
    expect(TokenizerFormatError.isInstance(e)).toBe(true);
    expect(TokenizerError.isInstance(e)).toBe(true);
    expect(TokenizerInputError.isInstance(e)).toBe(false);
    expect(TokenizerError.isInstance(new Error('x'))).toBe(false);
  });
});
