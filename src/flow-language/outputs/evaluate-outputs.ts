import { substitute } from '../substitution/substitute';
import type { SubstitutionScope } from '../substitution/substitution-scope';

export interface EvaluatedOutputs {
  /** Outputs that could be evaluated, by name. */
  values: Record<string, unknown>;
  /** Outputs that could not, with the reason (an unresolved reference names what is missing). */
  failures: Array<{ name: string; reason: string }>;
}

/**
 * Evaluates a flow's outputs against the scope its run ended with. Every output is tried on its own:
 * one that cannot be evaluated (a step that failed or was skipped has no response) does not hide the
 * others. What the run's verdict makes of the failures is the caller's decision (flowOutcomeWithOutputs).
 */
export function evaluateOutputs(outputs: Readonly<Record<string, string>> | undefined, scope: SubstitutionScope): EvaluatedOutputs {
  const result: EvaluatedOutputs = { values: {}, failures: [] };
  for (const [name, template] of Object.entries(outputs ?? {})) {
    try {
      result.values[name] = substitute(template, scope);
    } catch (error) {
      result.failures.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/**
 * The run's end with its outputs (documented in FLOWS.md, "Outputs"):
 * - COMPLETED: every output must evaluate — a flow that promises `orderId` and cannot say it did not
 *   do its job, so the run ends FAILED naming the output (a parent would otherwise fail later, on a
 *   reference to a value that is not there, far from the cause);
 * - FAILED: what can be evaluated is kept (it helps to see how far the run got), the rest is left out;
 * - CANCELLED: no outputs (null).
 * A flow without outputs stores `{}` for a run that was not cancelled.
 */
export function withOutputs<S extends string>(
  ended: { status: S; error: string | null },
  outputs: Readonly<Record<string, string>> | undefined,
  scope: SubstitutionScope,
): { status: S | 'FAILED'; error: string | null; outputs: Record<string, unknown> | null } {
  if (ended.status === 'CANCELLED') return { ...ended, outputs: null };
  const { values, failures } = evaluateOutputs(outputs, scope);
  if (ended.status === 'COMPLETED' && failures.length) {
    const first = failures[0];
    return { status: 'FAILED', error: `output "${first.name}" could not be evaluated: ${first.reason}`, outputs: values };
  }
  return { ...ended, outputs: values };
}
