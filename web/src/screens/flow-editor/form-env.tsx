import { createContext, useContext } from 'react';
import type { SuggestionScope } from './template-suggestions';

/**
 * What every field of the schema-driven form needs besides its own schema and value: the validation
 * problems by pointer, the `${` completion scope of the step being edited, and the resources a
 * `resourceId` field may pick from. Provided per step, so nested fields need no prop drilling.
 */
export interface FormEnv {
  problems: ReadonlyMap<string, string[]>;
  scope: SuggestionScope;
  /** Resources of the step type's resource type; undefined outside a step config or for steps without one. */
  resources?: ReadonlyArray<{ id: string; name: string }>;
  readOnly: boolean;
}

export const FormEnvContext = createContext<FormEnv>({ problems: new Map(), scope: { variables: [], earlierSteps: [] }, readOnly: false });

export function useFormEnv(): FormEnv {
  return useContext(FormEnvContext);
}
