import { useId, useState } from 'react';
import type { JsonSchema, OpenApiDocument } from '../../api/resources';
import { getPath, resolveSchema, schemaType, setPath } from './resource-config-schema';

interface FormProps {
  schema: JsonSchema;
  doc: OpenApiDocument;
  value: Record<string, unknown>;
  onChange: (next: Record<string, unknown>) => void;
  /** Dotted config paths that are secrets (from GET /resource-types). */
  secretFields: string[];
  /** For a saved resource: which secret fields hold a value. Absent for a new resource. */
  secretsSet?: Record<string, boolean>;
  disabled?: boolean;
}

/**
 * A generic form for a resource type's config schema (from /docs-json), so a new resource type needs
 * no UI code. Scalars get inputs, enums a select, nested objects a fieldset; arrays and free maps are
 * edited as JSON. Secret fields are write-only: never prefilled, shown as "set"/"not set" with a
 * "Replace" action that reveals an empty input (an untouched secret is left out, so the API keeps it).
 */
export function ResourceConfigForm(props: FormProps) {
  return <ObjectFields {...props} path="" schema={resolveSchema(props.schema, props.doc)} />;
}

function ObjectFields(props: FormProps & { path: string }) {
  const properties = Object.entries(props.schema.properties ?? {});
  const required = new Set(props.schema.required ?? []);
  return (
    <>
      {properties.map(([key, child]) => {
        const path = props.path ? `${props.path}.${key}` : key;
        return <Field key={path} {...props} path={path} name={key} required={required.has(key)} schema={resolveSchema(child, props.doc)} />;
      })}
    </>
  );
}

function Field(props: FormProps & { path: string; name: string; required: boolean }) {
  const { schema, path, value, onChange, disabled } = props;
  const label = `${props.name}${props.required ? ' (required)' : ''}`;
  const hintId = `${useId()}-hint`;
  const hint = schema.description ? (
    <span id={hintId} className="muted">
      {schema.description}
    </span>
  ) : null;
  const describedBy = schema.description ? hintId : undefined;
  if (props.secretFields.includes(path)) {
    return <SecretField label={label} hint={hint} isSet={props.secretsSet ? (props.secretsSet[path] ?? false) : undefined} value={getPath(value, path)} disabled={disabled} onChange={(next) => onChange(setPath(value, path, next))} />;
  }
  const current = getPath(value, path);
  const type = schemaType(schema);
  const set = (next: unknown) => onChange(setPath(value, path, next));

  if (type === 'object' && schema.properties) {
    return (
      <fieldset className="stack">
        <legend>{props.name}</legend>
        {hint}
        <ObjectFields {...props} />
      </fieldset>
    );
  }
  if (schema.enum) {
    return (
      <>
        <label>
          {label}
          <select aria-describedby={describedBy} value={current === undefined ? '' : String(current)} disabled={disabled} onChange={(e) => set(e.target.value === '' ? undefined : schema.enum!.find((v) => String(v) === e.target.value))}>
            {!props.required && <option value="">(default{schema.default !== undefined ? `: ${String(schema.default)}` : ''})</option>}
            {schema.enum.map((option) => (
              <option key={String(option)} value={String(option)}>
                {String(option)}
              </option>
            ))}
          </select>
        </label>
        {hint}
      </>
    );
  }
  if (type === 'boolean') {
    const checked = current === undefined ? schema.default === true : current === true;
    return (
      <>
        <label className="checkbox">
          <span>
            <input type="checkbox" aria-describedby={describedBy} checked={checked} disabled={disabled} onChange={(e) => set(e.target.checked)} /> {props.name}
          </span>
        </label>
        {hint}
      </>
    );
  }
  if (type === 'integer' || type === 'number') {
    return (
      <>
        <label>
          {label}
          <input
            aria-describedby={describedBy}
            type="number"
            value={current === undefined ? '' : String(current)}
            placeholder={schema.default !== undefined ? String(schema.default) : undefined}
            min={schema.minimum}
            max={schema.maximum}
            required={props.required}
            disabled={disabled}
            onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
          />
        </label>
        {hint}
      </>
    );
  }
  if (type === 'array' || type === 'object') {
    return <JsonField label={label} hint={hint} value={current} disabled={disabled} onChange={set} />;
  }
  return (
    <>
      <label>
        {label}
        <input
          aria-describedby={describedBy}
          value={current === undefined ? '' : String(current)}
          placeholder={schema.default !== undefined ? String(schema.default) : undefined}
          required={props.required}
          disabled={disabled}
          onChange={(e) => set(e.target.value === '' ? undefined : e.target.value)}
        />
      </label>
      {hint}
    </>
  );
}

/** Lists and maps as JSON text; the value is taken once the text parses. */
function JsonField(props: { label: string; hint: React.ReactNode; value: unknown; disabled?: boolean; onChange: (next: unknown) => void }) {
  const [text, setText] = useState(props.value === undefined ? '' : JSON.stringify(props.value));
  const [invalid, setInvalid] = useState(false);
  const errorId = useId();
  return (
    <>
      <label>
        {props.label} (JSON)
        <textarea
          rows={2}
          value={text}
          disabled={props.disabled}
          aria-invalid={invalid}
          aria-describedby={invalid ? errorId : undefined}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim() === '') {
              setInvalid(false);
              props.onChange(undefined);
              return;
            }
            try {
              props.onChange(JSON.parse(e.target.value));
              setInvalid(false);
            } catch {
              setInvalid(true);
            }
          }}
        />
        {invalid && (
          <span id={errorId} className="error">
            Not valid JSON yet
          </span>
        )}
      </label>
      {props.hint}
    </>
  );
}

/**
 * A write-only field. A saved value is never sent to the browser, so there is nothing to prefill:
 * the field shows whether one is stored and offers "Replace", which reveals an empty input.
 */
export function SecretField(props: { label: string; hint?: React.ReactNode; isSet: boolean | undefined; value: unknown; disabled?: boolean; onChange: (next: string | undefined) => void }) {
  const saved = props.isSet !== undefined;
  const [editing, setEditing] = useState(!saved);
  const statusId = useId();
  return (
    <div className="secret-field">
      {saved && (
        <p id={statusId}>
          <span>{props.label}: </span>
          <span className="badge muted">{props.isSet ? 'set' : 'not set'}</span>{' '}
          {!editing && !props.disabled && (
            <button type="button" onClick={() => setEditing(true)} aria-label={`Replace ${props.label}`}>
              Replace
            </button>
          )}
          {editing && (
            <button
              type="button"
              onClick={() => {
                setEditing(false);
                props.onChange(undefined);
              }}
              aria-label={`Keep the stored ${props.label}`}
            >
              Keep stored value
            </button>
          )}
        </p>
      )}
      {editing && (
        <label>
          {saved ? `New ${props.label}` : props.label}
          <input
            type="password"
            autoComplete="new-password"
            value={typeof props.value === 'string' ? props.value : ''}
            disabled={props.disabled}
            onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value)}
          />
        </label>
      )}
      {editing && props.hint}
    </div>
  );
}
