import type { ReportedExecution } from '../../executions/executions.service';
import type { SuiteRunSummaryView } from '../runs/suite-run-view';
import { toExecutionReport, toJUnitCase } from './execution-report';
import { executionJUnit, type SuiteRunReport, suiteRunJUnit } from './suite-run-report';

const started = new Date('2026-11-27T16:00:00.000Z');
const finished = new Date('2026-11-27T16:00:01.250Z');

function execution(over: Partial<ReportedExecution>): ReportedExecution {
  return {
    id: 'e-1', teamId: 't', flowId: 'f', flowVersion: 2, flowName: 'Pay', status: 'COMPLETED', trigger: 'suite', suiteRunId: 'r', userId: null,
    variables: {}, parameters: {}, error: null, attempt: 1, recoveries: [], seq: 5, cancelRequestedAt: null, createdAt: started, startedAt: started, finishedAt: finished,
    steps: [],
    ...over,
  } as ReportedExecution;
}

const step = (over: Record<string, unknown>) => ({
  executionId: 'e-1', stepIndex: 0, stepId: 's', name: 'pay', type: 'http', background: false, status: 'SUCCESS', request: null, response: null,
  assertions: [], attempts: 1, error: null, startedAt: started, finishedAt: finished, durationMs: 12, ...over,
});

describe('execution reports and JUnit cases', () => {
  it('maps a completed execution to a passed test case with the step log', () => {
    const c = toJUnitCase(toExecutionReport(execution({ steps: [step({})] as never })), 'Suite', 'Pay');
    expect(c).toMatchObject({ name: 'Pay', classname: 'Suite', time: 1.25, verdict: { kind: 'passed' } });
    expect(c.systemOut).toContain('[SUCCESS] #1 pay (http) 12 ms');
  });

  it('links a flow step to its child execution and a child to its parent, in the report and the JUnit log', () => {
    const parent = toExecutionReport(execution({ steps: [step({ name: 'order', type: 'flow', childExecutionId: 'child-1' })] as never, outputs: { orderId: 'o-1' } }));
    expect(parent.steps[0].childExecutionId).toBe('child-1');
    expect(parent.outputs).toEqual({ orderId: 'o-1' });
    expect(toJUnitCase(parent, 'S', 'Checkout').systemOut).toContain('[SUCCESS] #1 order (flow) 12 ms, child execution child-1');
    const child = toExecutionReport(execution({ id: 'child-1', parentExecutionId: 'e-1', trigger: 'flow' }));
    expect(child.parentExecutionId).toBe('e-1');
    expect(toJUnitCase(child, 'S', 'Order').systemOut).toContain('execution child-1 (child of execution e-1) — flow "Pay" v2: COMPLETED');
  });

  it('keeps an execution COMPLETED with an allowed failure a passed case, listing the warning', () => {
    const report = toExecutionReport(
      execution({ warnings: 1, steps: [step({ status: 'ERROR', warning: true, error: 'assertion failed: status: expected 200 but was 503' }), step({ stepIndex: 1, name: 'next' })] as never }),
    );
    expect(report).toMatchObject({ warnings: 1, failure: null, steps: [{ warning: true }, { warning: false }] });
    const c = toJUnitCase(report, 'Suite', 'Pay');
    expect(c.verdict).toEqual({ kind: 'passed' });
    expect(c.systemOut).toContain('COMPLETED with 1 warning(s)\nwarning: step "pay" (http) failed, allowed by allowFailure: assertion failed: status: expected 200 but was 503');
    expect(c.systemOut).toContain('[ERROR, warning] #1 pay (http)');
  });

  it('turns failed assertions into a failure naming the step with expected and actual values', () => {
    const report = toExecutionReport(
      execution({
        status: 'FAILED',
        error: 'step "pay" failed',
        steps: [
          step({}),
          step({
            stepIndex: 1, name: 'confirm', status: 'ERROR', error: 'assertion failed: status: expected 201 but was 500',
            assertions: [
              { path: 'status', operator: 'equals', expected: 201, actual: 500, passed: false, message: 'status: expected 201 but was 500' },
              { path: 'body.id', operator: 'exists', expected: undefined, actual: 'x', passed: true, message: 'ok' },
            ],
          }),
        ] as never,
      }),
    );
    expect(report.failure).toMatchObject({ kind: 'assertion', step: { index: 1, name: 'confirm' }, message: 'step "confirm" (http): status: expected 201 but was 500' });
    expect(report.failure!.assertions).toHaveLength(1);
    const c = toJUnitCase(report, 'S', 'Pay');
    expect(c.verdict).toMatchObject({ kind: 'failure', type: 'AssertionFailed', message: 'step "confirm" (http): status: expected 201 but was 500' });
    expect((c.verdict as { details: string }).details).toContain('step: #2 "confirm" (http)\nassertion: status equals\n  expected: 201\n  actual:   500\nerror: assertion failed');
  });

  it('turns a step error without assertions into a JUnit error, and a run-level failure too', () => {
    const broken = toExecutionReport(execution({ status: 'FAILED', steps: [step({ status: 'ERROR', error: 'connect ECONNREFUSED 127.0.0.1:1' })] as never }));
    expect(toJUnitCase(broken, 'S', 'Pay').verdict).toMatchObject({ kind: 'error', type: 'StepError', message: 'step "pay" (http): connect ECONNREFUSED 127.0.0.1:1' });
    const timedOut = toExecutionReport(execution({ status: 'FAILED', error: 'execution timed out after 1000 ms', steps: [step({ status: 'SKIPPED' })] as never }));
    expect(toJUnitCase(timedOut, 'S', 'Pay').verdict).toMatchObject({ kind: 'error', message: 'execution timed out after 1000 ms' });
  });

  it('reports cancelled executions as skipped with the reason', () => {
    const c = toJUnitCase(toExecutionReport(execution({ status: 'CANCELLED', startedAt: null, finishedAt: null })), 'S', 'Pay', 'not run to the end: fail-fast: "A" failed');
    expect(c).toMatchObject({ time: 0, verdict: { kind: 'skipped', message: 'not run to the end: fail-fast: "A" failed' } });
  });

  it("carries the run's correlation id, trace id and trace link into the JSON report and the JUnit properties", () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const report = toExecutionReport(execution({ correlationId: 'corr-1', traceId, links: { trace: `https://jaeger.example/trace/${traceId}` } }));
    expect(report).toMatchObject({ correlationId: 'corr-1', traceId, traceUrl: `https://jaeger.example/trace/${traceId}` });
    const xml = executionJUnit({ format: 'ats.execution-report', formatVersion: 1, generatedAt: finished.toISOString(), execution: report });
    expect(xml).toContain('<property name="correlationId" value="corr-1"/>');
    expect(xml).toContain(`<property name="traceId" value="${traceId}"/>`);
    expect(xml).toContain(`<property name="traceUrl" value="https://jaeger.example/trace/${traceId}"/>`);
    expect(toExecutionReport(execution({ correlationId: 'c', traceId })).traceUrl).toBeUndefined();
  });

  it('builds one testsuite per suite run and tells apart a flow listed twice', () => {
    const run = { id: 'r', suiteId: 's', suiteName: 'Nightly', status: 'COMPLETED', trigger: 'api', mode: 'parallel', failFast: false, stopReason: null, createdAt: started, startedAt: started, durationMs: 2000 } as unknown as SuiteRunSummaryView;
    const report: SuiteRunReport = {
      format: 'ats.suite-run-report', formatVersion: 1, generatedAt: finished.toISOString(), suiteRun: run,
      executions: [0, 1, 2].map((position) => ({ position, ...toExecutionReport(execution({ id: `e-${position}`, flowName: position === 1 ? 'Other' : 'Pay' })) })),
    };
    const xml = suiteRunJUnit(report);
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml.match(/<testcase name="([^"]+)"/g)).toEqual(['<testcase name="Pay (#1)"', '<testcase name="Other"', '<testcase name="Pay (#3)"']);
    expect(xml).toContain('<testsuite name="Nightly" tests="3" failures="0" errors="0" skipped="0" time="2.000" timestamp="2026-11-27T16:00:00"');
  });
});
