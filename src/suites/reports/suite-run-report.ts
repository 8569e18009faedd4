import type { SuiteRunSummaryView } from '../runs/suite-run-view';
import { type ExecutionReport, toJUnitCase } from './execution-report';
import { buildJUnitXml, type JUnitSuite } from './junit-xml';

export const JUNIT_HOSTNAME = 'async-testing-service';

export interface SuiteRunExecutionReport extends ExecutionReport {
  /** Index of the entry in the suite. */
  position: number;
}

/** The JSON report of a suite run (`report.json`); the JUnit XML is built from the same data. */
export interface SuiteRunReport {
  format: 'ats.suite-run-report';
  formatVersion: 1;
  generatedAt: string;
  suiteRun: SuiteRunSummaryView;
  executions: SuiteRunExecutionReport[];
}

/** The JSON report of one execution (`executions/:id/report.json`). */
export interface ExecutionRunReport {
  format: 'ats.execution-report';
  formatVersion: 1;
  generatedAt: string;
  execution: ExecutionReport;
}

/** Test-case names must tell entries apart: a flow listed twice gets its position appended. */
function caseNames(executions: readonly SuiteRunExecutionReport[]): string[] {
  const seen = new Map<string, number>();
  for (const e of executions) seen.set(e.flowName, (seen.get(e.flowName) ?? 0) + 1);
  return executions.map((e) => (seen.get(e.flowName)! > 1 ? `${e.flowName} (#${e.position + 1})` : e.flowName));
}

export function suiteRunJUnit(report: SuiteRunReport): string {
  const run = report.suiteRun;
  const names = caseNames(report.executions);
  const skipReason = run.stopReason ? `not run to the end: ${run.stopReason}` : null;
  const suite: JUnitSuite = {
    name: run.suiteName,
    id: run.id,
    package: 'ats.suites',
    hostname: JUNIT_HOSTNAME,
    timestamp: new Date(run.startedAt ?? run.createdAt),
    time: (run.durationMs ?? 0) / 1000,
    properties: [
      ['suiteId', run.suiteId],
      ['suiteRunId', run.id],
      ['status', run.status],
      ['trigger', run.trigger],
      ['mode', run.mode],
      ['failFast', String(run.failFast)],
      ...(run.stopReason ? ([['stopReason', run.stopReason]] as Array<[string, string]>) : []),
    ],
    cases: report.executions.map((e, i) => toJUnitCase(e, run.suiteName, names[i], skipReason)),
  };
  return buildJUnitXml([suite], run.suiteName);
}

export function executionJUnit(report: ExecutionRunReport): string {
  const e = report.execution;
  const suite: JUnitSuite = {
    name: e.flowName,
    id: e.executionId,
    package: 'ats.flows',
    hostname: JUNIT_HOSTNAME,
    timestamp: new Date(e.startedAt ?? report.generatedAt),
    time: (e.durationMs ?? 0) / 1000,
    properties: [
      ['executionId', e.executionId],
      ['flowId', e.flowId],
      ['flowVersion', String(e.flowVersion)],
      ['status', e.status],
      ['trigger', e.trigger],
      ['correlationId', e.correlationId],
      ['traceId', e.traceId],
      ...(e.traceUrl ? ([['traceUrl', e.traceUrl]] as Array<[string, string]>) : []),
    ],
    cases: [toJUnitCase(e, e.flowName, e.flowName)],
  };
  return buildJUnitXml([suite], e.flowName);
}
