import { setIn, type Path } from './json-path';
import { parseDocument, serialize, type FlowDocument, type StepDocument, type TextFormat } from './flow-document';

/**
 * The editor's single source of truth: the flow document. The form edits it by path; the text view
 * edits its JSON/YAML text, which replaces the document whenever it parses (a parse error keeps the
 * last good document and is shown, so switching back to the form never loses work).
 */
export interface EditorState {
  doc: FlowDocument;
  view: 'form' | TextFormat;
  /** The text view's content (kept while the text does not parse). */
  text: string;
  textError?: string;
  dirty: boolean;
}

export type EditorAction =
  | { type: 'load'; doc: FlowDocument }
  | { type: 'edit'; path: Path; value: unknown }
  | { type: 'view'; view: EditorState['view'] }
  | { type: 'text'; text: string }
  | { type: 'addStep'; step: StepDocument }
  | { type: 'moveStep'; index: number; by: -1 | 1 }
  | { type: 'duplicateStep'; index: number }
  | { type: 'removeStep'; index: number }
  | { type: 'saved' };

export function initialEditorState(doc: FlowDocument): EditorState {
  return { doc, view: 'form', text: '', dirty: false };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'load':
      return withDoc({ ...state, dirty: false }, action.doc);
    case 'edit':
      return withDoc({ ...state, dirty: true }, setIn(state.doc, action.path, action.value) as FlowDocument);
    case 'view':
      if (action.view === 'form') return { ...state, view: 'form', textError: undefined };
      return { ...state, view: action.view, text: serialize(state.doc, action.view), textError: undefined };
    case 'text': {
      if (state.view === 'form') return state;
      const parsed = parseDocument(action.text, state.view);
      if ('error' in parsed) return { ...state, text: action.text, textError: parsed.error, dirty: true };
      return { ...state, text: action.text, textError: undefined, doc: parsed.doc, dirty: true };
    }
    case 'addStep':
      return withDoc({ ...state, dirty: true }, { ...state.doc, steps: [...state.doc.steps, action.step] });
    case 'moveStep': {
      const to = action.index + action.by;
      if (to < 0 || to >= state.doc.steps.length) return state;
      const steps = [...state.doc.steps];
      [steps[action.index], steps[to]] = [steps[to], steps[action.index]];
      return withDoc({ ...state, dirty: true }, { ...state.doc, steps });
    }
    case 'duplicateStep': {
      const original = state.doc.steps[action.index];
      if (!original) return state;
      const { id: _id, ...rest } = structuredClone(original);
      const copy = { ...rest, name: uniqueName(`${original.name}Copy`, state.doc.steps) };
      const steps = [...state.doc.steps.slice(0, action.index + 1), copy, ...state.doc.steps.slice(action.index + 1)];
      return withDoc({ ...state, dirty: true }, { ...state.doc, steps });
    }
    case 'removeStep':
      return withDoc({ ...state, dirty: true }, { ...state.doc, steps: state.doc.steps.filter((_, i) => i !== action.index) });
    case 'saved':
      return { ...state, dirty: false };
  }
}

/** Every document change also refreshes the text view when it is the one showing. */
function withDoc(state: EditorState, doc: FlowDocument): EditorState {
  if (state.view === 'form') return { ...state, doc };
  return { ...state, doc, text: serialize(doc, state.view), textError: undefined };
}

/** Step names are references (`${name.response...}`), so a new step gets one no other step has. */
export function uniqueName(base: string, steps: ReadonlyArray<{ name: string }>): string {
  const taken = new Set(steps.map((s) => s.name));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}
