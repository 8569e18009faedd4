import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

interface Props {
  value: string;
  format: 'json' | 'yaml';
  label: string;
  readOnly: boolean;
  onChange(text: string): void;
}

/**
 * CodeMirror 6 for the text view. Loaded with React.lazy, so CodeMirror is its own chunk fetched only
 * when someone opens the JSON/YAML view. The editor owns its text while focused; a new `value` from
 * outside (the other format, a restore) replaces it.
 */
export default function CodeEditor({ value, format, label, readOnly, onChange }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          format === 'json' ? json() : yaml(),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is rebuilt only for another format or mode; text changes go through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [format, readOnly, label]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div className="code-editor" ref={host} />;
}
