import { describe, expect, it } from 'vitest';
import { applySuggestion, referenceAtCaret, resultPaths, suggestionsFor, type SuggestionScope } from './template-suggestions';

const scope: SuggestionScope = {
  variables: [{ name: 'baseUrl', type: 'string' }],
  earlierSteps: [
    {
      name: 'first',
      type: 'http',
      resultSchema: { type: 'object', properties: { status: { type: 'integer' }, sent: { $ref: '#/definitions/Sent' } }, definitions: { Sent: { type: 'object', properties: { correlationId: { type: 'string' } } } } },
    },
  ],
};

describe('${ suggestions', () => {
  it('finds the reference at the caret, and none once it is closed', () => {
    expect(referenceAtCaret('http://x/${fi', 13)).toEqual({ start: 11, query: 'fi' });
    expect(referenceAtCaret('${a}/b', 6)).toBeUndefined();
    expect(referenceAtCaret('plain', 5)).toBeUndefined();
  });

  it('offers variables, earlier steps with result paths ($ref followed), execution fields and functions', () => {
    const all = suggestionsFor(scope, '').map((s) => s.insert);
    expect(all).toEqual(expect.arrayContaining(['baseUrl', 'first.response.', 'first.response.status', 'first.response.sent.correlationId', 'execution.correlationId', 'execution.traceId', 'uuid()', 'now()']));
    expect(suggestionsFor(scope, 'first.response.s').map((s) => s.insert)).toEqual(['first.response.status', 'first.response.sent', 'first.response.sent.correlationId']);
  });

  it('follows result schemas a bounded number of levels', () => {
    const deep = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'object', properties: { c: { type: 'object', properties: { d: { type: 'string' } } } } } } } } };
    expect(resultPaths(deep, deep, 3).map((p) => p.path)).toEqual(['a', 'a.b', 'a.b.c']);
  });

  it('inserts a choice and closes the reference; a prefix stays open', () => {
    expect(applySuggestion('x/${fi', 6, { insert: 'first.response.status', detail: '' })).toEqual({ text: 'x/${first.response.status}', caret: 26 });
    expect(applySuggestion('x/${fi}/y', 6, { insert: 'first', detail: '' })).toEqual({ text: 'x/${first}/y', caret: 9 });
    expect(applySuggestion('${', 2, { insert: 'first.response.', detail: '', partial: true })).toEqual({ text: '${first.response.', caret: 17 });
  });
});
