import type { ReportedExecution } from '../../executions/executions.service';
import type { JUnitCase, JUnitVerdict } from './junit-xml';

export interface FailedAssertionReport {
  path: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  message: string;
}

/** Why an execution failed: the first step that ended in ERROR, its failed assertions and error. */
export interface FailureReport {
  kind: 'assertion' | 'error';
  step: { index: number; name: string; type: string } | null;
  message: string;
  assertions: FailedAssertionReport[];
  error: string | null;
}

export interface StepReport {
  index: number;
  name: string;
  type: string;
  status: string;
  attempts: number;
  durationMs: number | null;
  assertionsPassed: number;
  assertionsFailed: number;
  error: string | null;
  /** For a `flow` step: the child execution it started. */
  childExecutionId: string | null;
  /** Failed with allowFailure: a warning, not the execution's failure. */
  warning: boolean;
}

export interface ExecutionReport {
  executionId: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: string;
  trigger: string;
  /** What the run sent to the system under test, to find its logs and traces from a CI report. */
  correlationId: string;
  traceId: string;
  /** The run in the trace viewer, when the deployment sets TRACE_VIEWER_URL_TEMPLATE. */
  traceUrl?: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  error: string | null;
  failure: FailureReport | null;
  /** Set when a `flow` step of that execution started this one. */
  parentExecutionId: string | null;
  outputs: Record<string, unknown> | null;
  /** Steps that failed with allowFailure. */
  warnings: number;
  steps: StepReport[];
}

export function durationMs(startedAt: Date | null, finishedAt: Date | null): number | null {
  return startedAt && finishedAt ? Math.max(0, new Date(finishedAt).getTime() - new Date(startedAt).getTime()) : null;
}

function failureOf(e: ReportedExecution): FailureReport | null {
  if (e.status !== 'FAILED') return null;
  const step = e.steps.find((s) => s.status === 'ERROR' && !s.warning);
  if (!step) return { kind: 'error', step: null, message: e.error ?? 'the execution failed', assertions: [], error: e.error };
  const assertions = (step.assertions ?? [])
    .filter((a) => !a.passed)
    .map((a) => ({ path: a.path, operator: a.operator, expected: a.expected, actual: a.actual, message: a.message }));
  const where = `step "${step.name}" (${step.type})`;
  const detail = assertions.length ? assertions.map((a) => a.message).join('; ') : (step.error ?? e.error ?? 'failed');
  return {
    kind: assertions.length ? 'assertion' : 'error',
    step: { index: step.stepIndex, name: step.name, type: step.type },
    message: `${where}: ${detail}`,
    assertions,
    error: step.error,
  };
}

export function toExecutionReport(e: ReportedExecution): ExecutionReport {
  return {
    executionId: e.id,
    flowId: e.flowId,
    flowName: e.flowName,
    flowVersion: e.flowVersion,
    status: e.status,
    trigger: e.trigger,
    correlationId: e.correlationId,
    traceId: e.traceId,
    ...(e.links?.trace && { traceUrl: e.links.trace }),
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
    durationMs: durationMs(e.startedAt, e.finishedAt),
    error: e.error,
    failure: failureOf(e),
    parentExecutionId: e.parentExecutionId ?? null,
    outputs: e.outputs ?? null,
    warnings: e.warnings ?? 0,
    steps: e.steps.map((s) => ({
      index: s.stepIndex,
      name: s.name,
      type: s.type,
      status: s.status,
      attempts: s.attempts,
      durationMs: s.durationMs,
      assertionsPassed: (s.assertions ?? []).filter((a) => a.passed).length,
      assertionsFailed: (s.assertions ?? []).filter((a) => !a.passed).length,
      error: s.error,
      childExecutionId: s.childExecutionId ?? null,
      warning: s.warning === true,
    })),
  };
}

function show(value: unknown): string {
  if (value === undefined) return '(nothing)';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function verdictOf(r: ExecutionReport, skipReason: string | null): JUnitVerdict {
  switch (r.status) {
    case 'COMPLETED':
      return { kind: 'passed' };
    case 'CANCELLED':
      return { kind: 'skipped', message: skipReason ?? r.error ?? 'cancelled' };
    case 'PENDING':
    case 'IN_PROGRESS':
      return { kind: 'skipped', message: `not finished when the report was made (${r.status})` };
  }
  const f = r.failure!;
  const lines = [f.message, ''];
  if (f.step) lines.push(`step: #${f.step.index + 1} "${f.step.name}" (${f.step.type})`);
  for (const a of f.assertions) lines.push(`assertion: ${a.path} ${a.operator}`, `  expected: ${show(a.expected)}`, `  actual:   ${show(a.actual)}`);
  if (f.error) lines.push(`error: ${f.error}`);
  if (r.error && r.error !== f.error) lines.push(`execution: ${r.error}`);
  return { kind: f.kind === 'assertion' ? 'failure' : 'error', type: f.kind === 'assertion' ? 'AssertionFailed' : 'StepError', message: f.message, details: lines.join('\n') };
}

/**
 * One JUnit test case per execution; the step log goes to system-out. A step that failed with
 * allowFailure leaves the case passed and is listed as `warning: …` lines (JUnit has no warning verdict).
 */
export function toJUnitCase(r: ExecutionReport, classname: string, name: string, skipReason: string | null = null): JUnitCase {
  const warnings = r.steps.filter((s) => s.warning).map((s) => `warning: step "${s.name}" (${s.type}) failed, allowed by allowFailure: ${s.error ?? 'failed'}`);
  const log = r.steps.map(
    (s) =>
      `[${s.status}${s.warning ? ', warning' : ''}] #${s.index + 1} ${s.name} (${s.type})${s.durationMs !== null ? ` ${s.durationMs} ms` : ''}${s.attempts > 1 ? `, ${s.attempts} attempts` : ''}` +
      `${s.childExecutionId ? `, child execution ${s.childExecutionId}` : ''}${s.error ? ` — ${s.error}` : ''}`,
  );
  const parent = r.parentExecutionId ? ` (child of execution ${r.parentExecutionId})` : '';
  return {
    name,
    classname,
    time: (r.durationMs ?? 0) / 1000,
    verdict: verdictOf(r, skipReason),
    systemOut: [`execution ${r.executionId}${parent} — flow "${r.flowName}" v${r.flowVersion}: ${r.status}${r.warnings ? ` with ${r.warnings} warning(s)` : ''}`, ...warnings, ...log].join('\n'),
  };
}
