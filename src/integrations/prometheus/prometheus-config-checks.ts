import { containsTemplate, isPlainObject, problemsOf, type RawProblem } from '../../steps/shared/step-config-validators';
import { parseDuration, resolveWindow, type WindowInput } from '../../steps/shared/time-window';
import { applyLabelValues } from './promql-label-values';

/**
 * The checks of a Prometheus step config that span fields or need parsing (the DTO checks each field's
 * shape): coherent windows, a valid step, and a value for every `$name` placeholder of the query. They
 * run the pure functions the step runs; parts still holding `${...}` are checked at run time.
 */
export function checkPrometheusStepConfig(raw: Record<string, unknown>): RawProblem[] {
  const problems: RawProblem[] = [];
  const now = Date.now();
  for (const field of ['duration1', 'duration2'] as const) {
    const window = raw[field];
    if (!isPlainObject(window) || containsTemplate(window) || !hasWindowShape(window)) continue;
    problems.push(...problemsOf(() => resolveWindow(windowInput(window), now, field)));
  }
  if (typeof raw.step === 'string' && !raw.step.includes('${')) problems.push(...problemsOf(() => parseDuration(raw.step as string, 'step')));
  const labelValues = raw.labelValues ?? undefined;
  if (typeof raw.query === 'string' && (labelValues === undefined || isPlainObject(labelValues))) {
    // Values are not needed to know whether each placeholder has one; text stands in for them.
    const names = Object.fromEntries(Object.keys((labelValues as Record<string, unknown> | undefined) ?? {}).map((name) => [name, 'x']));
    problems.push(...problemsOf(() => applyLabelValues(raw.query as string, names)));
  }
  return problems;
}

function hasWindowShape(window: Record<string, unknown>): boolean {
  const isTime = (value: unknown) => value === undefined || value === null || typeof value === 'string' || typeof value === 'number';
  const relative = window.relative ?? undefined;
  const relativeOk = relative === undefined || typeof relative === 'string' ||
    (isPlainObject(relative) && typeof relative.ago === 'string' && typeof relative.length === 'string');
  return isTime(window.startTime) && isTime(window.endTime) && relativeOk;
}

/** The window fields, with null treated as absent (the DTO lets an explicit null through as "not set"). */
export function windowInput(window: { startTime?: unknown; endTime?: unknown; relative?: unknown }): WindowInput {
  return {
    startTime: (window.startTime ?? undefined) as WindowInput['startTime'],
    endTime: (window.endTime ?? undefined) as WindowInput['endTime'],
    relative: (window.relative ?? undefined) as WindowInput['relative'],
  };
}
