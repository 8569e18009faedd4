import type { FlowSummary } from '../../api/flows';
import type { SuiteEntry } from '../../api/suites';
import { VariablesEditor } from './variables-editor';

/**
 * The flows of a suite in run order: a flow picker, a version select ("latest" or a pinned version up
 * to the flow's current one) and per-entry variables that override the suite's.
 */
export function SuiteEntriesEditor({ entries, flows, onChange, disabled }: { entries: SuiteEntry[]; flows: FlowSummary[]; onChange: (next: SuiteEntry[]) => void; disabled?: boolean }) {
  const set = (index: number, patch: Partial<SuiteEntry>) => onChange(entries.map((e, i) => (i === index ? { ...e, ...patch } : e)));
  const move = (index: number, by: number) => {
    const next = [...entries];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    onChange(next);
  };
  return (
    <fieldset className="stack">
      <legend>Flows in this suite</legend>
      {entries.length === 0 && <p className="muted">No flows yet: add at least one.</p>}
      <ol className="stack">
        {entries.map((entry, index) => {
          const flow = flows.find((f) => f.id === entry.flowId);
          const n = index + 1;
          return (
            <li key={index} className="stack">
              <div className="toolbar">
                <label>
                  {`Flow ${n}`}
                  <select value={entry.flowId} disabled={disabled} required onChange={(e) => set(index, { flowId: e.target.value, version: null })}>
                    <option value="">Choose a flow</option>
                    {flows.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name}
                      </option>
                    ))}
                    {entry.flowId && !flow && <option value={entry.flowId}>{entry.flowId}</option>}
                  </select>
                </label>
                <label>
                  {`Version of flow ${n}`}
                  <select value={entry.version === null ? '' : String(entry.version)} disabled={disabled} onChange={(e) => set(index, { version: e.target.value === '' ? null : Number(e.target.value) })}>
                    <option value="">latest</option>
                    {Array.from({ length: Math.max(flow?.version ?? 0, entry.version ?? 0) }, (_, i) => i + 1)
                      .reverse()
                      .map((v) => (
                        <option key={v} value={v}>
                          version {v}
                        </option>
                      ))}
                  </select>
                </label>
                {!disabled && (
                  <>
                    <button type="button" aria-label={`Move flow ${n} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                      ↑
                    </button>
                    <button type="button" aria-label={`Move flow ${n} down`} disabled={index === entries.length - 1} onClick={() => move(index, 1)}>
                      ↓
                    </button>
                    <button type="button" aria-label={`Remove flow ${n}`} onClick={() => onChange(entries.filter((_, i) => i !== index))}>
                      Remove
                    </button>
                  </>
                )}
              </div>
              <VariablesEditor label={`Flow ${n} variable`} value={entry.variables} disabled={disabled} onChange={(variables) => set(index, { variables })} />
            </li>
          );
        })}
      </ol>
      {!disabled && (
        <p>
          <button type="button" onClick={() => onChange([...entries, { flowId: '', version: null, variables: [] }])}>
            Add flow
          </button>
        </p>
      )}
    </fieldset>
  );
}
