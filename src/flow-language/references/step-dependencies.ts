import { parseCondition, conditionReferences } from '../conditions/condition-parser';
import { findReferences, type FoundReference } from '../substitution/find-references';
import { pointerOf } from '../flow-problem';
import { scanTemplates, type TemplateScan } from './template-references';

/** What the dependency rules need of a step; loose so a half-valid document can be read. */
export interface DependencyStep {
  name?: unknown;
  type?: unknown;
  config?: unknown;
  assertions?: unknown;
  runInBackground?: unknown;
  when?: unknown;
}

/** Config fields a step type fills only when its result is awaited (plugin metadata `lateFields`), by type. */
export type LateFields = ReadonlyMap<string, readonly string[]>;

/** One `${...}` of a step, with where it sits. */
export interface StepReference extends FoundReference {
  /** In a late field of a background step: it may read a later step (deferred match). */
  late: boolean;
}

export interface StepReferenceScan {
  references: StepReference[];
  syntaxErrors: TemplateScan['syntaxErrors'];
}

/**
 * Every reference of one step: config (late fields marked), assertion `expected` values and `when`.
 * A `when` that does not parse is reported as a syntax error at `/steps/N/when`.
 */
export function scanStep(step: DependencyStep, index: number, stepNames: ReadonlySet<string> | readonly string[], lateFields?: LateFields): StepReferenceScan {
  const base = pointerOf('', 'steps', index);
  const late = step.runInBackground === true && typeof step.type === 'string' ? (lateFields?.get(step.type) ?? []) : [];
  const latePointers = late.map((field) => pointerOf(base, 'config', field));
  const isLate = (pointer: string) => latePointers.some((p) => pointer === p || pointer.startsWith(`${p}/`));
  const scans = [scanTemplates(step.config, pointerOf(base, 'config'), stepNames)];
  if (Array.isArray(step.assertions)) {
    step.assertions.forEach((assertion: unknown, a) => {
      if (assertion && typeof assertion === 'object' && 'expected' in assertion) {
        scans.push(scanTemplates((assertion as { expected?: unknown }).expected, pointerOf(base, 'assertions', a, 'expected'), stepNames));
      }
    });
  }
  const result: StepReferenceScan = { references: [], syntaxErrors: [] };
  for (const scan of scans) {
    result.syntaxErrors.push(...scan.syntaxErrors);
    result.references.push(...scan.references.map((r) => ({ ...r, late: isLate(r.pointer) })));
  }
  if (typeof step.when === 'string') {
    const pointer = pointerOf(base, 'when');
    try {
      for (const reference of conditionReferences(parseCondition(step.when))) {
        result.references.push(...findReferences(`\${${reference.source}}`, { stepNames, pointer }).map((r) => ({ ...r, late: false })));
      }
    } catch (error) {
      result.syntaxErrors.push({ pointer, message: `when: ${(error as Error).message}` });
    }
  }
  return result;
}

/** What one step waits for at run time, by step index. */
export interface StepWaits {
  /** Earlier background steps this step reads: it starts once they have finished. */
  background: number[];
  /** Later steps a background step's late fields read: its matching starts once they have finished. */
  lateAfter: number[];
}

/**
 * Per step, what it waits for, computed once per flow version (the engine caches it) so the run loop
 * does no scanning. References that do not resolve to a step are ignored here (the validator refuses them).
 */
export function stepWaits(steps: readonly DependencyStep[], lateFields?: LateFields): StepWaits[] {
  const names = steps.map((s) => (typeof s.name === 'string' ? s.name : ''));
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const nameSet = new Set(names);
  return steps.map((step, index) => {
    const background = new Set<number>();
    const lateAfter = new Set<number>();
    for (const reference of scanStep(step, index, nameSet, lateFields).references) {
      if (reference.kind !== 'step' || reference.root === null) continue;
      const target = indexOf.get(reference.root);
      if (target === undefined || target === index) continue;
      if (target < index && steps[target].runInBackground === true) background.add(target);
      if (target > index && reference.late) lateAfter.add(target);
    }
    return { background: [...background].sort((a, b) => a - b), lateAfter: [...lateAfter].sort((a, b) => a - b) };
  });
}
