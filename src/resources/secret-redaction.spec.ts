import { MIN_REDACTED_LENGTH, REDACTED, redactDeep, redactText, redactionValues } from './secret-redaction';

describe('secret redaction', () => {
  it('derives the encoded forms: percent-encoded, Basic of user:password, URL credentials', () => {
    const values = redactionValues({ 'auth.password': 'p@ss word', baseUrl: 'https://h/?token=tok123' }, { auth: { username: 'bob' } });
    expect(values).toEqual(
      expect.arrayContaining(['p@ss word', 'p%40ss%20word', Buffer.from('bob:p@ss word').toString('base64'), 'https://h/?token=tok123', 'tok123']),
    );
    // Longest first: a value is not half-replaced by a shorter one inside it.
    expect([...values].sort((a, b) => b.length - a.length)).toEqual(values);
  });

  it(`leaves values shorter than ${MIN_REDACTED_LENGTH} characters alone`, () => {
    expect(redactionValues({ password: 'abc' }, {})).toEqual([]);
    expect(redactText('abc abcd', ['abc', 'abcd'])).toBe(`abc ${REDACTED}`);
  });

  it('redacts every string of a JSON value, keys included', () => {
    expect(redactDeep({ headers: { authorization: 'Bearer s3cret' }, list: ['s3cret', 1, null], s3cret: true }, ['s3cret'])).toEqual({
      headers: { authorization: `Bearer ${REDACTED}` },
      list: [REDACTED, 1, null],
      [REDACTED]: true,
    });
  });
});
