import type { FlowDefaults, FlowOutputs, StepDefinition, VariableDeclaration } from '../flow-definition';
import { jsonEqual } from './canonical-json';

export interface StepRef {
  id: string;
  name: string;
  /** 0-based position in the version it is taken from (`to` for added, `from` for removed). */
  index: number;
}

export interface StepChange {
  id: string;
  name: string;
  /** Name in `from` when the step was renamed. */
  previousName?: string;
  /** Top-level step fields that differ: `name`, `type`, `config`, `assertions`, `timeoutMs`, ... */
  fields: string[];
}

export interface StepMove {
  id: string;
  name: string;
  fromIndex: number;
  toIndex: number;
}

export interface FlowDiff {
  steps: { added: StepRef[]; removed: StepRef[]; changed: StepChange[]; moved: StepMove[] };
  variables: { added: string[]; removed: string[]; changed: Array<{ name: string; fields: string[] }> };
  /** The flow-level `defaults` (retry) differ. */
  defaultsChanged: boolean;
  /** The flow's `outputs` differ. */
  outputsChanged: boolean;
  identical: boolean;
}

const STEP_FIELDS: ReadonlyArray<keyof StepDefinition> = [
  'name',
  'type',
  'config',
  'assertions',
  'timeoutMs',
  'retry',
  'holdFor',
  'continueOnFailure',
  'runInBackground',
  'allowFailure',
  'when',
];
const VARIABLE_FIELDS: ReadonlyArray<keyof VariableDeclaration> = ['type', 'default', 'required', 'description'];

/**
 * What changed between two versions. Steps are matched by their stable id, variables by name. A step
 * counts as moved when it is not part of the longest run of common steps that kept their relative
 * order, so inserting one step moves nothing and swapping two moves one.
 */
export function diffFlowVersions(
  from: { variables: readonly VariableDeclaration[]; steps: readonly StepDefinition[]; defaults?: FlowDefaults; outputs?: FlowOutputs | null },
  to: { variables: readonly VariableDeclaration[]; steps: readonly StepDefinition[]; defaults?: FlowDefaults; outputs?: FlowOutputs | null },
): FlowDiff {
  const fromIds = new Map(from.steps.map((s, index) => [s.id, { step: s, index }]));
  const toIds = new Map(to.steps.map((s, index) => [s.id, { step: s, index }]));

  const added = to.steps.flatMap((s, index) => (fromIds.has(s.id) ? [] : [{ id: s.id, name: s.name, index }]));
  const removed = from.steps.flatMap((s, index) => (toIds.has(s.id) ? [] : [{ id: s.id, name: s.name, index }]));
  const changed: StepChange[] = [];
  for (const step of to.steps) {
    const before = fromIds.get(step.id)?.step;
    if (!before) continue;
    const fields = STEP_FIELDS.filter((field) => !jsonEqual(before[field] ?? null, step[field] ?? null));
    if (fields.length) changed.push({ id: step.id, name: step.name, ...(before.name !== step.name && { previousName: before.name }), fields });
  }

  const commonInFromOrder = from.steps.filter((s) => toIds.has(s.id)).map((s) => s.id);
  const commonInToOrder = to.steps.filter((s) => fromIds.has(s.id)).map((s) => s.id);
  const stayed = new Set(longestCommonSubsequence(commonInFromOrder, commonInToOrder));
  const moved = commonInToOrder
    .filter((id) => !stayed.has(id))
    .map((id) => ({ id, name: toIds.get(id)!.step.name, fromIndex: fromIds.get(id)!.index, toIndex: toIds.get(id)!.index }));

  const fromVars = new Map(from.variables.map((v) => [v.name, v]));
  const toVars = new Map(to.variables.map((v) => [v.name, v]));
  const variables = {
    added: to.variables.filter((v) => !fromVars.has(v.name)).map((v) => v.name),
    removed: from.variables.filter((v) => !toVars.has(v.name)).map((v) => v.name),
    changed: to.variables.flatMap((v) => {
      const before = fromVars.get(v.name);
      if (!before) return [];
      const fields = VARIABLE_FIELDS.filter((field) => !jsonEqual(before[field] ?? null, v[field] ?? null));
      return fields.length ? [{ name: v.name, fields }] : [];
    }),
  };
  const defaultsChanged = !jsonEqual(from.defaults ?? {}, to.defaults ?? {});
  const outputsChanged = !jsonEqual(from.outputs ?? {}, to.outputs ?? {});
  // Variable order has no meaning for runs, so a reordering alone is not a difference.
  const identical =
    !added.length && !removed.length && !changed.length && !moved.length &&
    !variables.added.length && !variables.removed.length && !variables.changed.length && !defaultsChanged && !outputsChanged;
  return { steps: { added, removed, changed, moved }, variables, defaultsChanged, outputsChanged, identical };
}

function longestCommonSubsequence(a: readonly string[], b: readonly string[]): string[] {
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i][j] = a[i] === b[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const result: string[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      result.push(a[i]);
      i++;
      j++;
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return result;
}
