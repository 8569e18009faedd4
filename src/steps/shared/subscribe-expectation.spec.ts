import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { StepError } from '../step-plugin';
import { excerptOf, ExpectProperty, judgeMatch, judgeWindowEnd, unexpectedMatchError, type SearchExpectation } from './subscribe-expectation';

class ConfigWithExpect {
  @ExpectProperty('message')
  expect?: SearchExpectation;
}

describe('subscribe expectation', () => {
  it('"some" passes at the first match, or at the limit when collecting all', () => {
    expect(judgeMatch('some', 1, { matchAll: false, limit: 100 })).toBe('pass');
    expect(judgeMatch('some', 1, { matchAll: true, limit: 3 })).toBe('listen');
    expect(judgeMatch('some', 3, { matchAll: true, limit: 3 })).toBe('pass');
  });

  it('"none" fails at the first match whatever the collection rules', () => {
    expect(judgeMatch('none', 1, { matchAll: false, limit: 100 })).toBe('fail');
    expect(judgeMatch('none', 1, { matchAll: true, limit: 100 })).toBe('fail');
  });

  it('judges the end of the window: silence passes only "none"', () => {
    expect(judgeWindowEnd('none', 0)).toBe('pass');
    expect(judgeWindowEnd('none', 2)).toBe('fail');
    expect(judgeWindowEnd('some', 0)).toBe('fail');
    expect(judgeWindowEnd('some', 2)).toBe('pass');
  });

  it('quotes the offending item, truncated, and carries the result', () => {
    const offending = { value: { orderId: 'o-1', note: 'x'.repeat(1000) } };
    const result = { messages: [offending], matchedCount: 1, scannedCount: 4 };
    const error = unexpectedMatchError('message on topic "orders"', [offending, offending], result);
    expect(error).toBeInstanceOf(StepError);
    expect(error.message).toMatch(/^expected no message on topic "orders", but found: \{"value":\{"orderId":"o-1","note":"x+… \(\d+ more characters\) \(and 1 more\)$/);
    expect(error.message.length).toBeLessThan(400);
    expect(error.details).toEqual({ reason: 'unexpected-match', final: true, result });
    expect(excerptOf('short line')).toBe('short line');
  });

  it('validates config.expect: absent, "some" or "none"', () => {
    const problems = (input: object) => validateSync(plainToInstance(ConfigWithExpect, input)).map((e) => e.property);
    expect(problems({})).toEqual([]);
    expect(problems({ expect: 'some' })).toEqual([]);
    expect(problems({ expect: 'none' })).toEqual([]);
    expect(problems({ expect: 'never' })).toEqual(['expect']);
  });
});
