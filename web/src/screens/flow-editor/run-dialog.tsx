import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { runFlow, runFlowBatch } from '../../api/flow-editing';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import type { VariableDeclaration } from './flow-document';
import { MAX_DATA_ROWS, parseDataRows } from './run-data-rows';
import { textToValue } from './schema-form';

/** Text shown for a variable's default in the dialog (strings as they are, anything else as JSON). */
function shownDefault(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * "Run" dialog (a native modal <dialog>: focus trapped, Escape closes): values for the saved flow's
 * variables, prefilled with their defaults, and an initial delay; starts a run and opens its live view.
 * With test data (a JSON array of variable rows) it starts one run per row in one request — a row's
 * values over the form's — and opens the flow's executions.
 */
export function RunDialog({ teamId, flowId, variables, onClose }: { teamId: string; flowId: string; variables: readonly VariableDeclaration[]; onClose(): void }) {
  const api = useApi();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(variables.map((v) => [v.name, shownDefault(v.default)])));
  const [delay, setDelay] = useState('0');
  const [dataText, setDataText] = useState('');
  const data = parseDataRows(dataText);
  const formVariables = () =>
    variables.filter((v) => values[v.name] !== '').map((v) => ({ name: v.name, value: v.type === 'string' ? values[v.name] : textToValue(values[v.name]) }));
  const run = useMutation({
    mutationFn: () => runFlow(api, teamId, { flowId, variables: formVariables(), parameters: { initialDelay: Number(delay) || 0 } }),
    onSuccess: (execution) => navigate(`/teams/${teamId}/executions/${execution.id}`),
  });
  const runRows = useMutation({
    mutationFn: (rows: Array<Record<string, unknown>>) => {
      const shared = Object.fromEntries(formVariables().map((v) => [v.name, v.value]));
      const parameters = { initialDelay: Number(delay) || 0 };
      return runFlowBatch(api, teamId, { flowId, runs: rows.map((row) => ({ variables: Object.entries({ ...shared, ...row }).map(([name, value]) => ({ name, value })), parameters })) });
    },
    onSuccess: () => navigate(`/teams/${teamId}/executions?flowId=${flowId}`),
  });
  const rowCount = data && 'rows' in data ? data.rows.length : 0;

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
          if (data === undefined) run.mutate();
          else if ('rows' in data) runRows.mutate(data.rows);
        }}
      >
        <h2 id="run-title">Run flow</h2>
        {variables.length === 0 && <p className="muted">This flow has no variables.</p>}
        {variables.map((v) => (
          <label key={v.name}>
            <span>
              {v.name} <span className="muted">({v.type}{v.required ? ', required' : ''})</span>
            </span>
            <input type="text" value={values[v.name] ?? ''} required={v.required && v.default === undefined && data === undefined} onChange={(e) => setValues({ ...values, [v.name]: e.target.value })} />
          </label>
        ))}
        <label>
          Initial delay (ms)
          <input type="number" min={0} max={86_400_000} step={1} value={delay} onChange={(e) => setDelay(e.target.value)} />
        </label>
        <details>
          <summary>Test data: one run per row</summary>
          <label>
            <span className="muted">A JSON array of up to {MAX_DATA_ROWS} rows, each an object of variables; a row's values win over the fields above</span>
            <textarea rows={5} value={dataText} placeholder='[{"sku": "A-1"}, {"sku": "B-2", "qty": 3}]' onChange={(e) => setDataText(e.target.value)} />
          </label>
          {data && 'error' in data && <p role="alert" className="error">{data.error}</p>}
        </details>
        <ErrorMessage error={run.error ?? runRows.error} />
        <div className="toolbar">
          <button type="submit" disabled={run.isPending || runRows.isPending || (data !== undefined && 'error' in data)}>
            {rowCount > 0 ? `Start ${rowCount} run${rowCount === 1 ? '' : 's'}` : 'Start run'}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
