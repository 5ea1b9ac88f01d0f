import { describe, expect, it } from 'vitest';
import { oneOf, positiveInt, positiveIntList, positiveNumber, positiveNumberList } from './option-parsers';

describe('option parsers', () => {
  it('accept what they promise', () => {
    expect(positiveInt(10)('10')).toBe(10);
    expect(positiveNumber('1e-4')).toBe(1e-4);
    expect(positiveIntList(2048)('64, 128,256')).toEqual([64, 128, 256]);
    expect(positiveNumberList('1e-4,0.5')).toEqual([1e-4, 0.5]);
    expect(oneOf(['a', 'b'] as const)('b')).toBe('b');
  });

  it('reject the rest, saying what was expected', () => {
    expect(() => positiveInt(10)('11')).toThrow("expected an integer from 1 to 10, got '11'");
    expect(() => positiveNumber('0')).toThrow("expected a number > 0, got '0'");
    expect(() => positiveIntList(2048)('64,4096')).toThrow("expected a comma-separated list of integers from 1 to 2048, got '64,4096'");
    expect(() => positiveNumberList('1,-2')).toThrow("expected a comma-separated list of numbers > 0, got '1,-2'");
    expect(() => positiveNumberList('')).toThrow(/numbers > 0, got ''/);
    expect(() => oneOf(['a', 'b'] as const)('c')).toThrow("expected one of a, b, got 'c'");
  });
});
