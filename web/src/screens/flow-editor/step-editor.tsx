import type { Dispatch } from 'react';
import type { StepType } from '../../api/step-types';
import type { EditorAction } from './editor-state';
import type { StepDocument } from './flow-document';
import { ASSERTIONS_SCHEMA, STEP_OPTIONS_SCHEMA } from './flow-schemas';
import { FormEnvContext, type FormEnv } from './form-env';
import { toPointer } from './json-path';
import { fieldId } from './problem-placement';
import { PropertyFields } from './property-fields';
import { SchemaField } from './schema-form';

interface Props {
  step: StepDocument;
  index: number;
  count: number;
  catalogue: readonly StepType[];
  /** The scope and resources for this step's fields (earlier steps only). */
  env: FormEnv;
  dispatch: Dispatch<EditorAction>;
}

/** One step: name, type, the type's config form (from its JSON Schema), options, assertions, and its toolbar. */
export function StepEditor({ step, index, count, catalogue, env, dispatch }: Props) {
  const stepType = catalogue.find((t) => t.type === step.type);
  const base = ['steps', index] as const;
  const number = index + 1;
  const nameId = fieldId([...base, 'name']);
  const typeId = fieldId([...base, 'type']);
  const nameProblems = env.problems.get(toPointer([...base, 'name'])) ?? [];
  const typeProblems = env.problems.get(toPointer([...base, 'type'])) ?? [];
  const stepFields = step as unknown as Record<string, unknown>;
  const optionsHaveProblems = ['timeoutMs', 'retry', 'holdFor'].some((name) =>
    [...env.problems.keys()].some((pointer) => pointer.startsWith(toPointer([...base, name]))),
  );
  return (
    <FormEnvContext.Provider value={env}>
      <fieldset className="step" id={fieldId(base)}>
        <legend>
          Step {number}: {step.name || '(unnamed)'} <span className="muted">({step.type})</span>
        </legend>
        {!env.readOnly && (
          <div className="step-toolbar" role="toolbar" aria-label={`Step ${number} actions`}>
            <button type="button" disabled={index === 0} onClick={() => dispatch({ type: 'moveStep', index, by: -1 })} aria-label={`Move step ${number} up`}>
              ↑ Up
            </button>
            <button type="button" disabled={index === count - 1} onClick={() => dispatch({ type: 'moveStep', index, by: 1 })} aria-label={`Move step ${number} down`}>
              ↓ Down
            </button>
            <button type="button" onClick={() => dispatch({ type: 'duplicateStep', index })} aria-label={`Duplicate step ${number}`}>
              Duplicate
            </button>
            <button type="button" className="danger" onClick={() => dispatch({ type: 'removeStep', index })} aria-label={`Delete step ${number}`}>
              Delete
            </button>
          </div>
        )}
        <div className="fields">
          <label className="field">
            <span>Step name <span className="muted">(required)</span></span>
            <span className="hint">Later steps read its result as {'${' + (step.name || 'name') + '.response...}'}</span>
            <input
              id={nameId}
              type="text"
              value={step.name}
              readOnly={env.readOnly}
              aria-invalid={nameProblems.length > 0 || undefined}
              aria-describedby={nameProblems.length ? `${nameId}-problem` : undefined}
              onChange={(e) => dispatch({ type: 'edit', path: [...base, 'name'], value: e.target.value })}
            />
            {nameProblems.length > 0 && <span id={`${nameId}-problem`} className="problem">{nameProblems.join('; ')}</span>}
          </label>
          <label className="field">
            <span>Step type</span>
            {stepType && <span className="hint">{stepType.description}</span>}
            <select
              id={typeId}
              value={step.type}
              disabled={env.readOnly}
              aria-invalid={typeProblems.length > 0 || undefined}
              aria-describedby={typeProblems.length ? `${typeId}-problem` : undefined}
              onChange={(e) => dispatch({ type: 'edit', path: base, value: { ...step, type: e.target.value, config: {} } })}
            >
              {!stepType && <option value={step.type}>{step.type} (unknown)</option>}
              {catalogue.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.type}
                </option>
              ))}
            </select>
            {typeProblems.length > 0 && <span id={`${typeId}-problem`} className="problem">{typeProblems.join('; ')}</span>}
          </label>
        </div>
        {stepType ? (
          <SchemaField
            schema={stepType.configSchema}
            root={stepType.configSchema}
            path={[...base, 'config']}
            label="Config"
            required
            value={step.config}
            onChange={(next) => dispatch({ type: 'edit', path: [...base, 'config'], value: next ?? {} })}
          />
        ) : (
          <SchemaField schema={{}} root={{}} path={[...base, 'config']} label="Config" value={step.config} onChange={(next) => dispatch({ type: 'edit', path: [...base, 'config'], value: next ?? {} })} />
        )}
        <div className="fields">
          <PropertyFields schema={STEP_OPTIONS_SCHEMA} base={base} value={stepFields} dispatch={dispatch} only={['runInBackground', 'continueOnFailure']} />
        </div>
        <details className="step-options" open={optionsHaveProblems || undefined}>
          <summary>Timeout, retry and hold</summary>
          <div className="fields">
            <PropertyFields schema={STEP_OPTIONS_SCHEMA} base={base} value={stepFields} dispatch={dispatch} only={['timeoutMs', 'retry', 'holdFor']} />
          </div>
        </details>
        <SchemaField
          schema={ASSERTIONS_SCHEMA}
          root={ASSERTIONS_SCHEMA}
          path={[...base, 'assertions']}
          label="Assertions"
          value={step.assertions}
          onChange={(next) => dispatch({ type: 'edit', path: [...base, 'assertions'], value: next })}
        />
      </fieldset>
    </FormEnvContext.Provider>
  );
}
