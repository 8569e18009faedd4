import { toStorableJson, toStorableText } from './storable-json';

describe('toStorableJson', () => {
  it('replaces U+0000 and unpaired surrogates with U+FFFD, in values and keys', () => {
    const stored = JSON.parse(toStorableJson({ body: 'a\u0000b', lone: ['x\ud800', '\udc00y'], ['k\u0000']: 1 }));
    expect(stored).toEqual({ body: 'a\ufffdb', lone: ['x\ufffd', '\ufffdy'], ['k\ufffd']: 1 });
  });

  it('leaves escaped backslashes, literal "\\u0000" text and paired surrogates alone', () => {
    const value = { text: 'C:\\u0000 and \\\\u0000', emoji: '😀', mixed: '\\\u0000' };
    expect(JSON.parse(toStorableJson(value))).toEqual({ text: 'C:\\u0000 and \\\\u0000', emoji: '😀', mixed: '\\\ufffd' });
  });

  it('is JSON.stringify for ordinary values', () => {
    const value = { a: [1, 'two', null, true], b: { c: 'ü' } };
    expect(toStorableJson(value)).toBe(JSON.stringify(value));
  });
});

describe('toStorableText', () => {
  it('replaces U+0000 and unpaired surrogates, keeps the rest', () => {
    expect(toStorableText('step "a" failed: got a\u0000b \ud800 😀')).toBe('step "a" failed: got a\ufffdb \ufffd 😀');
    expect(toStorableText(null)).toBeNull();
  });
});
