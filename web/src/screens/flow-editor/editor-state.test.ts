import { describe, expect, it } from 'vitest';
import { editorReducer, initialEditorState } from './editor-state';
import type { FlowDocument } from './flow-document';

const doc: FlowDocument = { name: 'f', steps: [{ id: 's1', name: 'first', type: 'http', config: { url: 'http://x' } }, { name: 'second', type: 'delay', config: {} }] };

describe('editor reducer: one document, two views', () => {
  it('shows a form edit in the text view and a text edit in the form', () => {
    let state = editorReducer(initialEditorState(doc), { type: 'edit', path: ['steps', 0, 'config', 'method'], value: 'POST' });
    state = editorReducer(state, { type: 'view', view: 'yaml' });
    expect(state.text).toContain('method: POST');
    state = editorReducer(state, { type: 'text', text: state.text.replace('method: POST', 'method: PUT') });
    expect(state.doc.steps[0].config.method).toBe('PUT');
    state = editorReducer(state, { type: 'view', view: 'json' });
    expect(JSON.parse(state.text).steps[0].config.method).toBe('PUT');
    state = editorReducer(state, { type: 'view', view: 'form' });
    expect(state.doc.steps[0].config).toEqual({ url: 'http://x', method: 'PUT' });
  });

  it('keeps the last good document while the text does not parse', () => {
    let state = editorReducer(initialEditorState(doc), { type: 'view', view: 'json' });
    state = editorReducer(state, { type: 'text', text: '{"name": ' });
    expect(state.textError).toMatch(/^JSON:/);
    expect(state.doc).toEqual(doc);
    state = editorReducer(state, { type: 'text', text: '{"name": "g", "steps": []}' });
    expect(state.textError).toBeUndefined();
    expect(state.doc).toEqual({ name: 'g', steps: [] });
  });

  it('reorders, duplicates (new id, unique name) and deletes steps', () => {
    let state = editorReducer(initialEditorState(doc), { type: 'moveStep', index: 1, by: -1 });
    expect(state.doc.steps.map((s) => s.name)).toEqual(['second', 'first']);
    expect(editorReducer(state, { type: 'moveStep', index: 0, by: -1 })).toBe(state);
    state = editorReducer(state, { type: 'duplicateStep', index: 1 });
    expect(state.doc.steps.map((s) => s.name)).toEqual(['second', 'first', 'firstCopy']);
    expect(state.doc.steps[2].id).toBeUndefined();
    state = editorReducer(state, { type: 'removeStep', index: 0 });
    expect(state.doc.steps.map((s) => s.name)).toEqual(['first', 'firstCopy']);
    expect(state.dirty).toBe(true);
  });
});
