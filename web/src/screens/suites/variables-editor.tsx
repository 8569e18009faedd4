import type { SuiteVariable } from '../../api/suites';

/**
 * Name/value rows for flow variables. Values are edited as text and sent as strings (the API converts
 * them to the type the flow declares); a non-string value already stored is shown as JSON.
 */
export function VariablesEditor({ label, value, onChange, disabled }: { label: string; value: SuiteVariable[]; onChange: (next: SuiteVariable[]) => void; disabled?: boolean }) {
  const set = (index: number, patch: Partial<SuiteVariable>) => onChange(value.map((v, i) => (i === index ? { ...v, ...patch } : v)));
  return (
    <fieldset className="stack">
      <legend>{label}</legend>
      {value.length === 0 && <p className="muted">None.</p>}
      {value.map((variable, index) => (
        <div className="toolbar" key={index}>
          <label>
            {`${label}: name ${index + 1}`}
            <input value={variable.name} disabled={disabled} required pattern="[A-Za-z_][A-Za-z0-9_]{0,63}" onChange={(e) => set(index, { name: e.target.value })} />
          </label>
          <label>
            {`${label}: value ${index + 1}`}
            <input value={typeof variable.value === 'string' ? variable.value : JSON.stringify(variable.value)} disabled={disabled} onChange={(e) => set(index, { value: e.target.value })} />
          </label>
          {!disabled && (
            <button type="button" aria-label={`Remove ${label.toLowerCase()} ${variable.name || index + 1}`} onClick={() => onChange(value.filter((_, i) => i !== index))}>
              Remove
            </button>
          )}
        </div>
      ))}
      {!disabled && (
        <p>
          <button type="button" onClick={() => onChange([...value, { name: '', value: '' }])}>
            Add {label.toLowerCase()}
          </button>
        </p>
      )}
    </fieldset>
  );
}
