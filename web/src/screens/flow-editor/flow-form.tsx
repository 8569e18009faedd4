import { useId, useState, type Dispatch } from 'react';
import type { Resource } from '../../api/resources';
import type { StepType } from '../../api/step-types';
import { uniqueName, type EditorAction } from './editor-state';
import type { FlowDocument } from './flow-document';
import { FLOW_HEADER_SCHEMA, FLOW_OUTPUTS_SCHEMA } from './flow-schemas';
import { FormEnvContext, type FormEnv } from './form-env';
import { PropertyFields } from './property-fields';
import { SchemaField } from './schema-form';
import { StepEditor } from './step-editor';
import type { SuggestionScope } from './template-suggestions';

interface Props {
  doc: FlowDocument;
  catalogue: readonly StepType[];
  resources: readonly Resource[];
  problems: ReadonlyMap<string, string[]>;
  readOnly: boolean;
  dispatch: Dispatch<EditorAction>;
}

/** The form view: flow fields, one StepEditor per step, "add step", outputs. */
export function FlowForm({ doc, catalogue, resources, problems, readOnly, dispatch }: Props) {
  const variables = (doc.variables ?? []).map((v) => ({ name: v.name, type: v.type }));
  const stepsInScope = (count: number): SuggestionScope['earlierSteps'] =>
    doc.steps.slice(0, count).map((s) => ({ name: s.name, type: s.type, resultSchema: catalogue.find((t) => t.type === s.type)?.resultSchema }));
  const flowEnv: FormEnv = { problems, readOnly, scope: { variables, earlierSteps: stepsInScope(doc.steps.length) } };
  const headerValue = doc as unknown as Record<string, unknown>;

  return (
    <FormEnvContext.Provider value={flowEnv}>
      <fieldset className="flow-fields" disabled={readOnly}>
        <legend>Flow</legend>
        <div className="fields">
          <PropertyFields schema={FLOW_HEADER_SCHEMA} base={[]} value={headerValue} dispatch={dispatch} only={['name', 'description']} />
        </div>
        <PropertyFields schema={FLOW_HEADER_SCHEMA} base={[]} value={headerValue} dispatch={dispatch} only={['tags', 'variables']} />
      </fieldset>
      <h2>Steps</h2>
      {doc.steps.length === 0 && <p className="muted">No steps yet.</p>}
      <ol className="steps">
        {doc.steps.map((step, index) => {
          const resourceType = catalogue.find((t) => t.type === step.type)?.resourceType;
          const env: FormEnv = {
            problems,
            readOnly,
            scope: { variables, earlierSteps: stepsInScope(index) },
            resources: resourceType ? resources.filter((r) => r.type === resourceType) : undefined,
          };
          return (
            <li key={step.id ?? `new-${index}`}>
              <StepEditor step={step} index={index} count={doc.steps.length} catalogue={catalogue} env={env} dispatch={dispatch} />
            </li>
          );
        })}
      </ol>
      {!readOnly && <AddStep catalogue={catalogue} doc={doc} dispatch={dispatch} />}
      <fieldset className="flow-fields" disabled={readOnly}>
        <legend>Outputs</legend>
        <SchemaField
          schema={FLOW_OUTPUTS_SCHEMA}
          root={FLOW_OUTPUTS_SCHEMA}
          path={['outputs']}
          label="outputs"
          value={doc.outputs}
          onChange={(next) => dispatch({ type: 'edit', path: ['outputs'], value: next ?? {} })}
        />
      </fieldset>
    </FormEnvContext.Provider>
  );
}

function AddStep({ catalogue, doc, dispatch }: { catalogue: readonly StepType[]; doc: FlowDocument; dispatch: Dispatch<EditorAction> }) {
  const id = useId();
  const [type, setType] = useState(catalogue[0]?.type ?? '');
  return (
    <div className="toolbar add-step">
      <label htmlFor={id}>New step type</label>
      <select id={id} value={type} onChange={(e) => setType(e.target.value)}>
        {catalogue.map((t) => (
          <option key={t.type} value={t.type}>
            {t.type}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={!type}
        onClick={() => dispatch({ type: 'addStep', step: { name: uniqueName(type.replace(/[^A-Za-z0-9_]/g, '_'), doc.steps), type, config: {} } })}
      >
        Add step
      </button>
    </div>
  );
}
