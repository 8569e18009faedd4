import { describe, expect, it } from 'vitest';
import { fieldId, fieldIdForPointer, placeProblems } from './problem-placement';

describe('problem placement', () => {
  it('maps a JSON pointer and the form path to the same control id', () => {
    expect(fieldIdForPointer('/steps/2/config/topic')).toBe(fieldId(['steps', 2, 'config', 'topic']));
    expect(fieldIdForPointer('/steps/0/config/headers/X-Id')).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
    expect(fieldId(['outputs', 'a/b'])).toBe(fieldIdForPointer('/outputs/a~1b'));
  });

  it('puts problems beside a control on screen and lists the rest', () => {
    const onScreen = new Set([fieldIdForPointer('/steps/1/config/url')]);
    const { inline, unplaced } = placeProblems(
      [
        { pointer: '/steps/1/config/url', message: 'url must be a string' },
        { field: '/steps/1/config/url', message: 'url is required' },
        { pointer: '/steps/9', message: 'no such step' },
      ],
      (id) => onScreen.has(id),
    );
    expect(inline.get('/steps/1/config/url')).toEqual(['url must be a string', 'url is required']);
    expect(unplaced).toEqual([{ pointer: '/steps/9', message: 'no such step' }]);
  });
});
