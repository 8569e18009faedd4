import { randomUUID } from 'node:crypto';
import type { AssertionDefinition, FlowDefaults, FlowOutputs, RetryDefinition, StepDefinition, VariableDeclaration } from './flow-definition';

/** The loose input the normaliser accepts: a validated DTO or an already stored definition. */
interface StepInput extends Omit<StepDefinition, 'id'> {
  id?: string;
}

/**
 * Stored definitions carry every boolean and list explicitly and nothing undefined, so the same flow
 * written twice compares equal, exports identically and needs no defaults in the engine.
 */
export function normalizeVariables(variables?: readonly VariableDeclaration[] | null): VariableDeclaration[] {
  return (variables ?? []).map((v) => ({
    name: v.name,
    type: v.type,
    required: v.required ?? false,
    ...(v.default !== undefined && { default: v.default }),
    ...(v.description ? { description: v.description } : {}),
  }));
}

/**
 * Gives every step an id: its own, else the id the step with the same name had in the previous
 * version (so a client that drops ids still gets meaningful diffs), else a new uuid.
 */
export function normalizeSteps(input?: readonly StepInput[] | null, previous: readonly StepDefinition[] = []): StepDefinition[] {
  const steps = input ?? [];
  const taken = new Set(steps.map((s) => s.id).filter((id): id is string => !!id));
  const previousIdByName = new Map(previous.map((s) => [s.name, s.id]));
  return steps.map((step) => {
    let id = step.id;
    if (!id) {
      const inherited = previousIdByName.get(step.name);
      id = inherited && !taken.has(inherited) ? inherited : randomUUID();
      taken.add(id);
    }
    return {
      id,
      name: step.name,
      type: step.type,
      config: plainJson(step.config),
      assertions: (step.assertions ?? []).map(normalizeAssertion),
      ...(step.timeoutMs !== undefined && { timeoutMs: step.timeoutMs }),
      ...(step.retry && { retry: normalizeRetry(step.retry) }),
      ...(step.holdFor && { holdFor: { durationMs: step.holdFor.durationMs, intervalMs: step.holdFor.intervalMs } }),
      continueOnFailure: step.continueOnFailure ?? false,
      runInBackground: step.runInBackground ?? false,
      ...(step.allowFailure && { allowFailure: true }),
      ...(step.when !== undefined && { when: step.when }),
    };
  });
}

/** Outputs in name order, so the same outputs written in another order compare equal. */
export function normalizeOutputs(outputs?: Readonly<FlowOutputs> | null): FlowOutputs {
  return Object.fromEntries(Object.entries(outputs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Flow-level defaults with only what was written (`{}` when none). */
export function normalizeDefaults(defaults?: FlowDefaults | null): FlowDefaults {
  return defaults?.retry ? { retry: normalizeRetry(defaults.retry) } : {};
}

function normalizeAssertion(a: AssertionDefinition): AssertionDefinition {
  return { path: a.path, operator: a.operator, ...(a.expected !== undefined && { expected: plainJson(a.expected) }) };
}

function normalizeRetry(r: RetryDefinition): RetryDefinition {
  const retry: RetryDefinition = {};
  for (const key of ['maxRetries', 'initialDelayMs', 'backoffMultiplier', 'maxDelayMs'] as const) {
    if (r[key] !== undefined) retry[key] = r[key];
  }
  return retry;
}

/** Drops class instances and undefined members: what is stored is exactly what JSON can carry. */
function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Distinct step types of a definition, for the denormalised search column. */
export function stepTypesOf(steps: readonly StepDefinition[]): string[] {
  return [...new Set(steps.map((s) => s.type))].sort();
}
