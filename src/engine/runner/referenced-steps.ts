import type { StepDefinition } from '../../flows/flow-definition';
import { findReferences } from '../../flow-language/substitution/find-references';

/**
 * Names of the steps whose results the flow reads (`${name.response…}` anywhere in a step — config,
 * assertions, condition — or in the flow's outputs). The runner keeps only these results in memory for the rest of the run: a flow of twenty
 * 10 MB responses that nothing references must not hold 200 MB until it ends. Undefined (keep every
 * result) when the flow cannot be scanned — a malformed expression fails its own step anyway.
 */
export function referencedSteps(steps: readonly StepDefinition[], outputs?: Record<string, unknown>): Set<string> | undefined {
  // Flow versions are immutable and cached by the worker (the same steps array for every run of a
  // version), so the scan is done once per version, not once per run.
  const cached = scans.get(steps);
  if (cached && cached.outputs === outputs) return cached.referenced;
  const referenced = scan(steps, outputs);
  scans.set(steps, { outputs, referenced });
  return referenced;
}

const scans = new WeakMap<readonly StepDefinition[], { outputs: Record<string, unknown> | undefined; referenced: Set<string> | undefined }>();

function scan(steps: readonly StepDefinition[], outputs: Record<string, unknown> | undefined): Set<string> | undefined {
  const names = steps.map((s) => s.name);
  try {
    const found = findReferences([...steps.map(({ name: _name, type: _type, ...fields }) => fields), outputs ?? {}], { stepNames: names });
    return new Set(found.filter((r) => r.kind === 'step' && r.root !== null).map((r) => r.root!));
  } catch {
    return undefined;
  }
}
