import { describe, expect, it } from 'vitest';
import { describeCause, describeFsError, formatErrorMessage, LlmforgeError } from '../src/index.js';

class PackageError extends LlmforgeError {
  static override readonly errorName: string = 'PackageError';
}
class ShapeError extends PackageError {
  static override readonly errorName: string = 'ShapeError';
}
class OtherError extends LlmforgeError {
  static override readonly errorName: string = 'OtherError';
}

describe('LlmforgeError', () => {
  it('formats operation, file, where, expected, found and hint', () => {
    const e = new ShapeError({
      operation: 'load',
      file: 'a.json',
      where: 'line 3',
      expected: 'a number',
      found: '"x"',
      hint: 'fix the file',
    });
    expect(e.message).toBe('load: a.json: line 3: expected a number, found "x"; hint: fix the file');
    expect(e.name).toBe('ShapeError');
    expect(e.kinds).toEqual(['ShapeError', 'PackageError', 'LlmforgeError']);
    expect([e.operation, e.file, e.where, e.expected, e.found, e.hint]).toEqual([
      'load',
      'a.json',
      'line 3',
      'a number',
      '"x"',
      'fix the file',
    ]);
  });

  it('leaves absent parts out of the message', () => {
    expect(
      formatErrorMessage({ operation: 'matmul', expected: 'inner dims to match', found: '(2,3) @ (4,5)' }),
    ).toBe('matmul: expected inner dims to match, found (2,3) @ (4,5)');
  });

  it('isInstance follows the class chain and rejects siblings and foreign values', () => {
    const e = new ShapeError({ operation: 'op', expected: 'a', found: 'b' });
    expect(ShapeError.isInstance(e)).toBe(true);
    expect(PackageError.isInstance(e)).toBe(true);
    expect(LlmforgeError.isInstance(e)).toBe(true);
    expect(OtherError.isInstance(e)).toBe(false);
    expect(ShapeError.isInstance(new PackageError({ operation: 'op', expected: 'a', found: 'b' }))).toBe(
      false,
    );
    expect(LlmforgeError.isInstance(new Error('x'))).toBe(false);
    expect(LlmforgeError.isInstance(null)).toBe(false);
    expect(LlmforgeError.isInstance('ShapeError')).toBe(false);
  });

  it('isInstance works across duplicate copies of a class (a second install)', () => {
    // A structurally identical class defined elsewhere stands for the same class from another copy.
    class ShapeErrorCopy extends LlmforgeError {
      static override readonly errorName: string = 'ShapeError';
    }
    const e = new ShapeErrorCopy({ operation: 'op', expected: 'a', found: 'b' });
    expect(e instanceof ShapeError).toBe(false);
    expect(ShapeError.isInstance(e)).toBe(true);
    // the marker is a global symbol, so an object built by another copy of this package passes too
    const foreign = Object.assign(new Error('m'), {
      [Symbol.for('@llmforge/errors.error')]: true,
      kinds: ['ShapeError', 'LlmforgeError'],
    });
    expect(ShapeError.isInstance(foreign)).toBe(true);
  });

  it('keeps the cause', () => {
    const cause = new Error('ENOENT: no such file');
    const e = new OtherError({ operation: 'read', expected: 'a file', found: 'none', cause });
    expect(e.cause).toBe(cause);
    expect(describeCause(cause)).toBe('ENOENT: no such file');
    expect(describeCause(42)).toBe('42');
  });
});

describe('describeFsError', () => {
  it('names the code, its meaning and a hint; keeps unknown codes and plain errors readable', async () => {
    const { readFile } = await import('node:fs/promises');
    const enoent = await readFile('/definitely/not/here').catch((e: unknown) => e);
    expect(describeFsError(enoent)).toEqual({
      found: 'ENOENT (no such file or directory)',
      hint: 'check the path: it, or one of its parent directories, does not exist',
      code: 'ENOENT',
    });
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(describeFsError(full).hint).toMatch(/disk is full/);
    const odd = Object.assign(new Error('EWEIRD: something'), { code: 'EWEIRD' });
    expect(describeFsError(odd)).toEqual({
      found: 'EWEIRD: something',
      hint: 'check the path',
      code: 'EWEIRD',
    });
    expect(describeFsError('boom')).toEqual({ found: 'boom', hint: 'check the path', code: undefined });
  });
});
