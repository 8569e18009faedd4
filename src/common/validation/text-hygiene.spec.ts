import { textProblems } from './text-hygiene';

describe('textProblems', () => {
  it('names every string, at any depth, that holds U+0000 or an unpaired surrogate', () => {
    expect(
      textProblems({ name: 'ok', steps: [{ config: { url: 'a\u0000b', headers: { x: 'fine' } } }, { name: 'x\ud800' }], tags: ['\udc00', 'ok'] }),
    ).toEqual([
      { field: 'steps.0.config.url', message: 'text must not contain the NUL character (U+0000)' },
      { field: 'steps.1.name', message: 'text is not valid Unicode (unpaired UTF-16 surrogate)' },
      { field: 'tags.0', message: 'text is not valid Unicode (unpaired UTF-16 surrogate)' },
    ]);
  });

  it('checks field names too, and the value itself when it is a string', () => {
    expect(textProblems({ config: { 'bad\u0000key': 1 } })).toEqual([{ field: 'config.bad\u0000key', message: 'field name must not contain the NUL character (U+0000)' }]);
    expect(textProblems('\u0000')).toEqual([{ field: 'body', message: 'text must not contain the NUL character (U+0000)' }]);
  });

  it('accepts well-formed text, including astral characters (paired surrogates), and non-strings', () => {
    expect(textProblems({ emoji: '😀 ok', rtl: '\u202eabc', n: 1, b: true, z: null, list: [1, 'two'] })).toEqual([]);
  });
});
