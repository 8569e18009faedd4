import { describe, expect, it } from 'vitest';
import { judgeUpdate } from './live-sequence';

describe('judgeUpdate', () => {
  it('applies the next seq, drops duplicates and old ones, flags gaps', () => {
    expect(judgeUpdate(4, 5)).toBe('apply');
    expect(judgeUpdate(4, 4)).toBe('duplicate');
    expect(judgeUpdate(4, 2)).toBe('duplicate');
    expect(judgeUpdate(4, 7)).toBe('gap');
  });
});
