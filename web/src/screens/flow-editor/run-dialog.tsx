import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { runFlow } from '../../api/flow-editing';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import type { VariableDeclaration } from './flow-document';
import { textToValue } from './schema-form';

/** Text shown for a variable's default in the dialog (strings as they are, anything else as JSON). */
function shownDefault(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * "Run" dialog (a native modal <dialog>: focus trapped, Escape closes): values for the saved flow's
 * variables, prefilled with their defaults, and an initial delay; starts a run and opens its live view.
 */
export function RunDialog({ teamId, flowId, variables, onClose }: { teamId: string; flowId: string; variables: readonly VariableDeclaration[]; onClose(): void }) {
  const api = useApi();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(variables.map((v) => [v.name, shownDefault(v.default)])));
  const [delay, setDelay] = useState('0');
  const run = useMutation({
    mutationFn: () =>
      runFlow(api, teamId, {
        flowId,
        variables: variables
          .filter((v) => values[v.name] !== '')
          .map((v) => ({ name: v.name, value: v.type === 'string' ? values[v.name] : textToValue(values[v.name]) })),
        parameters: { initialDelay: Number(delay) || 0 },
      }),
    onSuccess: (execution) => navigate(`/teams/${teamId}/executions/${execution.id}`),
  });

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  return (
    <dialog ref={dialog} aria-labelledby="run-title" onClose={onClose} className="run-dialog">
      <form
        method="dialog"
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <h2 id="run-title">Run flow</h2>
        {variables.length === 0 && <p className="muted">This flow has no variables.</p>}
        {variables.map((v) => (
          <label key={v.name}>
            <span>
              {v.name} <span className="muted">({v.type}{v.required ? ', required' : ''})</span>
            </span>
            <input type="text" value={values[v.name] ?? ''} required={v.required && v.default === undefined} onChange={(e) => setValues({ ...values, [v.name]: e.target.value })} />
          </label>
        ))}
        <label>
          Initial delay (ms)
          <input type="number" min={0} max={86_400_000} step={1} value={delay} onChange={(e) => setDelay(e.target.value)} />
        </label>
        <ErrorMessage error={run.error} />
        <div className="toolbar">
          <button type="submit" disabled={run.isPending}>
            Start run
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
