import { useEffect, useState, type ReactNode } from 'react';
import { useFormEnv } from './form-env';
import { toPointer, type Path } from './json-path';
import { alternativeLabel, emptyValue, matchingAlternative, resolveSchema, schemaKind, type JsonSchema } from './json-schema';
import { fieldId } from './problem-placement';
import { TemplateInput } from './template-input';

export interface FieldProps {
  schema: JsonSchema;
  /** The schema `$ref`s resolve against (the step type's configSchema with its `definitions`). */
  root: JsonSchema;
  /** Where the value sits in the flow document: gives the control its id and its validation problems. */
  path: Path;
  label: string;
  value: unknown;
  required?: boolean;
  onChange(value: unknown): void;
}

/**
 * Renders any JSON Schema the step catalogue produces as labelled form controls, with no knowledge of
 * step types: strings (with `${` completion), numbers, booleans, enums, objects, maps
 * (`additionalProperties`), arrays, oneOf/anyOf, and a JSON box for anything else.
 */
export function SchemaField(props: FieldProps) {
  const env = useFormEnv();
  const schema = resolveSchema(props.schema, props.root);
  const key = props.path[props.path.length - 1];
  if (key === 'resourceId' && env.resources) return <ResourceField {...props} />;
  switch (schemaKind(schema)) {
    case 'object':
      return <ObjectField {...props} schema={schema} />;
    case 'map':
      return <MapField {...props} schema={schema} />;
    case 'array':
      return <ArrayField {...props} schema={schema} />;
    case 'choice':
      return <ChoiceField {...props} schema={schema} />;
    case 'enum':
      return <EnumField {...props} schema={schema} />;
    case 'boolean':
      return <BooleanField {...props} schema={schema} />;
    case 'number':
    case 'integer':
      return <NumberField {...props} schema={schema} />;
    case 'string':
      return <StringField {...props} schema={schema} />;
    default:
      return <JsonField {...props} schema={schema} />;
  }
}

/** The problems the API reported at exactly this path, for aria-describedby and display. */
function useProblems(path: Path): { id: string; messages: string[]; describedBy?: string } {
  const id = fieldId(path);
  const messages = useFormEnv().problems.get(toPointer(path)) ?? [];
  return { id, messages, describedBy: messages.length ? `${id}-problem` : undefined };
}

function Problems({ id, messages }: { id: string; messages: string[] }) {
  if (!messages.length) return null;
  return (
    <span id={`${id}-problem`} className="problem">
      {messages.join('; ')}
    </span>
  );
}

function LabelText({ label, required, schema }: { label: string; required?: boolean; schema: JsonSchema }) {
  return (
    <>
      <span>
        {label}
        {required && <span className="muted"> (required)</span>}
      </span>
      {schema.description && <span className="hint">{schema.description}</span>}
    </>
  );
}

function StringField({ schema, path, label, value, required, onChange }: FieldProps) {
  const { id, messages, describedBy } = useProblems(path);
  const { readOnly } = useFormEnv();
  return (
    <label className="field">
      <LabelText label={label} required={required} schema={schema} />
      <TemplateInput
        id={id}
        value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
        placeholder={schema.example !== undefined && typeof schema.example !== 'object' ? String(schema.example) : undefined}
        readOnly={readOnly}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy}
        onChange={(text) => onChange(text === '' && !required ? undefined : text)}
      />
      <Problems id={id} messages={messages} />
    </label>
  );
}

function NumberField({ schema, path, label, value, required, onChange }: FieldProps) {
  const { id, messages, describedBy } = useProblems(path);
  const { readOnly } = useFormEnv();
  return (
    <label className="field">
      <LabelText label={label} required={required} schema={schema} />
      <input
        id={id}
        type="number"
        step={schemaKind(schema) === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        placeholder={schema.default !== undefined ? String(schema.default) : undefined}
        readOnly={readOnly}
        value={typeof value === 'number' ? value : ''}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
      <Problems id={id} messages={messages} />
    </label>
  );
}

function BooleanField({ schema, path, label, value, onChange }: FieldProps) {
  const { id, messages, describedBy } = useProblems(path);
  const { readOnly } = useFormEnv();
  const checked = typeof value === 'boolean' ? value : schema.default === true;
  return (
    <label className="field checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={readOnly}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.checked)}
      />
      <LabelText label={label} schema={schema} />
      <Problems id={id} messages={messages} />
    </label>
  );
}

function EnumField({ schema, path, label, value, required, onChange }: FieldProps) {
  const { id, messages, describedBy } = useProblems(path);
  const { readOnly } = useFormEnv();
  const options = schema.enum ?? [];
  const index = options.findIndex((option) => option === value);
  return (
    <label className="field">
      <LabelText label={label} required={required} schema={schema} />
      <select
        id={id}
        value={index < 0 ? '' : String(index)}
        disabled={readOnly}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}
      >
        {(!required || index < 0) && <option value="">{schema.default !== undefined ? `(default: ${String(schema.default)})` : '(not set)'}</option>}
        {options.map((option, i) => (
          <option key={i} value={String(i)}>
            {String(option)}
          </option>
        ))}
      </select>
      <Problems id={id} messages={messages} />
    </label>
  );
}

function Group({ path, label, schema, required, children }: { path: Path; label: string; schema: JsonSchema; required?: boolean; children: ReactNode }) {
  const { id, messages, describedBy } = useProblems(path);
  return (
    <fieldset id={id} className="group" aria-describedby={describedBy} aria-invalid={messages.length > 0 || undefined} tabIndex={messages.length ? -1 : undefined}>
      <legend>
        {label}
        {required && <span className="muted"> (required)</span>}
      </legend>
      {schema.description && <p className="hint">{schema.description}</p>}
      <Problems id={id} messages={messages} />
      {children}
    </fieldset>
  );
}

function ObjectField({ schema, root, path, label, value, required, onChange }: FieldProps) {
  const object = isObject(value) ? value : {};
  const requiredKeys = new Set(schema.required ?? []);
  return (
    <Group path={path} label={label} schema={schema} required={required}>
      <div className="fields">
        {Object.entries(schema.properties ?? {}).map(([name, child]) => (
          <SchemaField
            key={name}
            schema={child}
            root={root}
            path={[...path, name]}
            label={name}
            required={requiredKeys.has(name)}
            value={object[name]}
            onChange={(next) => {
              const updated = { ...object };
              if (next === undefined) delete updated[name];
              else updated[name] = next;
              // An optional object left empty disappears, so e.g. an untouched `holdFor` is not sent as {}.
              onChange(Object.keys(updated).length === 0 && !required ? undefined : updated);
            }}
          />
        ))}
      </div>
    </Group>
  );
}

function MapField({ schema, root, path, label, value, required, onChange }: FieldProps) {
  const { readOnly } = useFormEnv();
  const entries = Object.entries(isObject(value) ? value : {});
  const valueSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
  const write = (next: Array<[string, unknown]>) => onChange(next.length === 0 && !required ? undefined : Object.fromEntries(next));
  return (
    <Group path={path} label={label} schema={schema} required={required}>
      {entries.length === 0 && <p className="muted">None.</p>}
      {entries.map(([key, entryValue], index) => (
        <div className="row" key={index}>
          <label className="field">
            <span>
              {label} name {index + 1}
            </span>
            <input
              type="text"
              value={key}
              readOnly={readOnly}
              onChange={(e) => write(entries.map((entry, i) => (i === index ? [e.target.value, entry[1]] : entry)))}
            />
          </label>
          <SchemaField
            schema={valueSchema}
            root={root}
            path={[...path, key]}
            label={`${label} value ${index + 1}`}
            value={entryValue}
            required
            onChange={(next) => write(entries.map((entry, i) => (i === index ? [entry[0], next] : entry)))}
          />
          {!readOnly && (
            <button type="button" aria-label={`Remove ${label} ${key || index + 1}`} onClick={() => write(entries.filter((_, i) => i !== index))}>
              Remove
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button
          type="button"
          disabled={entries.some(([key]) => key === '')}
          onClick={() => write([...entries, ['', emptyValue(valueSchema, root) ?? '']])}
        >
          Add {label} entry
        </button>
      )}
    </Group>
  );
}

function ArrayField({ schema, root, path, label, value, required, onChange }: FieldProps) {
  const { readOnly } = useFormEnv();
  const items = Array.isArray(value) ? value : [];
  const itemSchema = schema.items ?? {};
  const write = (next: unknown[]) => onChange(next.length === 0 && !required ? undefined : next);
  return (
    <Group path={path} label={label} schema={schema} required={required}>
      {items.length === 0 && <p className="muted">None.</p>}
      {items.map((item, index) => (
        <div className="row" key={index}>
          <SchemaField
            schema={itemSchema}
            root={root}
            path={[...path, index]}
            label={`${label} ${index + 1}`}
            value={item}
            required
            onChange={(next) => write(items.map((old, i) => (i === index ? next : old)))}
          />
          {!readOnly && (
            <button type="button" aria-label={`Remove ${label} ${index + 1}`} onClick={() => write(items.filter((_, i) => i !== index))}>
              Remove
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button type="button" onClick={() => write([...items, emptyValue(itemSchema, root)])}>
          Add to {label}
        </button>
      )}
    </Group>
  );
}

function ChoiceField(props: FieldProps) {
  const { schema, root, path, label, value, onChange } = props;
  const { readOnly } = useFormEnv();
  const alternatives = schema.oneOf ?? schema.anyOf ?? [];
  const [chosen, setChosen] = useState(() => matchingAlternative(alternatives, root, value));
  const selectId = `${fieldId(path)}-kind`;
  return (
    <Group path={[...path, '~kind']} label={label} schema={schema} required={props.required}>
      <label className="field">
        <span>Kind of {label}</span>
        <select
          id={selectId}
          value={String(chosen)}
          disabled={readOnly}
          onChange={(e) => {
            const index = Number(e.target.value);
            setChosen(index);
            onChange(emptyValue(alternatives[index], root));
          }}
        >
          {alternatives.map((alt, i) => (
            <option key={i} value={String(i)}>
              {alternativeLabel(alt, root, i)}
            </option>
          ))}
        </select>
      </label>
      {alternatives[chosen] && <SchemaField {...props} schema={alternatives[chosen]} label={`${label} value`} />}
    </Group>
  );
}

/** Any JSON value (a schema without a type, such as an HTTP body): JSON when it parses, text otherwise. */
function JsonField({ schema, path, label, value, required, onChange }: FieldProps) {
  const { id, messages, describedBy } = useProblems(path);
  const { readOnly } = useFormEnv();
  const shown = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const [text, setText] = useState(shown);
  // Follow outside changes (text view, undo of a type change) without fighting the user's typing.
  useEffect(() => {
    if (textToValue(text) !== value && JSON.stringify(textToValue(text)) !== JSON.stringify(value)) setText(shown);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown]);
  return (
    <label className="field">
      <LabelText label={`${label} (JSON or text)`} required={required} schema={schema} />
      <textarea
        id={id}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          setText(e.target.value);
          onChange(textToValue(e.target.value));
        }}
      />
      <Problems id={id} messages={messages} />
    </label>
  );
}

function ResourceField({ path, label, value, required, onChange }: FieldProps) {
  const { id, messages, describedBy } = useProblems(path);
  const { resources = [], readOnly } = useFormEnv();
  return (
    <label className="field">
      <span>
        {label === 'resourceId' ? 'Resource' : label}
        {required && <span className="muted"> (required)</span>}
      </span>
      <select
        id={id}
        value={typeof value === 'string' ? value : ''}
        disabled={readOnly}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">(none)</option>
        {resources.map((resource) => (
          <option key={resource.id} value={resource.id}>
            {resource.name}
          </option>
        ))}
        {typeof value === 'string' && value && !resources.some((r) => r.id === value) && <option value={value}>{value} (not found)</option>}
      </select>
      <Problems id={id} messages={messages} />
    </label>
  );
}

/** Text typed into a JSON box: the JSON value when it parses, else the text itself; empty is "not set". */
export function textToValue(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
