import type { Dispatch } from 'react';
import type { EditorAction } from './editor-state';
import type { Path } from './json-path';
import type { JsonSchema } from './json-schema';
import { SchemaField } from './schema-form';

/** Each property of an object schema as its own field, writing into the document at `base`. */
export function PropertyFields({ schema, base, value, dispatch, only }: { schema: JsonSchema; base: Path; value: Record<string, unknown>; dispatch: Dispatch<EditorAction>; only?: string[] }) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {})
        .filter(([name]) => !only || only.includes(name))
        .map(([name, child]) => (
          <SchemaField
            key={name}
            schema={child}
            root={schema}
            path={[...base, name]}
            label={name}
            required={required.has(name)}
            value={value[name]}
            onChange={(next) => dispatch({ type: 'edit', path: [...base, name], value: next })}
          />
        ))}
    </>
  );
}
