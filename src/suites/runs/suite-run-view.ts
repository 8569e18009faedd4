import type { ReportedExecution } from '../../executions/executions.service';
import type { SuiteRunCounts } from '../live/suite-run-update';
import type { SuiteRunItem } from './suite-run-item.entity';
import { outcomeOf, type SuiteRunOutcome } from './suite-run-status';
import type { SuiteRun } from './suite-run.entity';

/** Links are relative to the API host (the service does not know its public URL). */
const API_BASE = '/api/v1';

export interface SuiteRunItemView {
  position: number;
  executionId: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: string;
  queued: boolean;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  executionSeq: number;
}

export interface SuiteRunSummaryView extends Omit<SuiteRun, 'triggerKey' | 'notifiedAt' | 'cancelRequestedAt' | 'total' | 'passed' | 'failed' | 'cancelled' | 'pending' | 'running'> {
  outcome: SuiteRunOutcome;
  counts: SuiteRunCounts;
  durationMs: number | null;
  links: { self: string; junit: string; json: string; events: string };
}

export interface SuiteRunView extends SuiteRunSummaryView {
  items: SuiteRunItemView[];
}

export function countsOf(run: Pick<SuiteRun, 'total' | 'passed' | 'failed' | 'cancelled' | 'pending' | 'running'>): SuiteRunCounts {
  return { total: run.total, passed: run.passed, failed: run.failed, cancelled: run.cancelled, pending: run.pending, running: run.running };
}

export function toSuiteRunSummary(run: SuiteRun): SuiteRunSummaryView {
  const self = `${API_BASE}/teams/${run.teamId}/suite-runs/${run.id}`;
  return {
    id: run.id,
    teamId: run.teamId,
    suiteId: run.suiteId,
    suiteName: run.suiteName,
    status: run.status,
    outcome: outcomeOf(run.status),
    trigger: run.trigger,
    alertDeliveryId: run.alertDeliveryId,
    rerunOf: run.rerunOf,
    scheduledFor: run.scheduledFor,
    mode: run.mode,
    failFast: run.failFast,
    maxParallel: run.maxParallel,
    counts: countsOf(run),
    stopReason: run.stopReason,
    previousStatus: run.previousStatus,
    seq: run.seq,
    userId: run.userId,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    links: { self, junit: `${self}/report.xml`, json: `${self}/report.json`, events: `${self}/events` },
  };
}

export function toSuiteRunView(run: SuiteRun, items: SuiteRunItem[], executions: ReportedExecution[]): SuiteRunView {
  const byId = new Map(executions.map((e) => [e.id, e]));
  const summary = toSuiteRunSummary(run);
  // The stored counts move when the orchestrator runs (an execution queued or finished); an execution
  // that merely started does not wake it, so while the run is live the counts come from the rows read here.
  if (run.status === 'IN_PROGRESS') {
    const count = (status: string) => items.filter((i) => (byId.get(i.executionId)?.status ?? 'PENDING') === status).length;
    summary.counts = { total: run.total, passed: count('COMPLETED'), failed: count('FAILED'), cancelled: count('CANCELLED'), pending: count('PENDING'), running: count('IN_PROGRESS') };
  }
  return {
    ...summary,
    items: items.map((item) => {
      const e = byId.get(item.executionId);
      return {
        position: item.position,
        executionId: item.executionId,
        flowId: item.flowId,
        flowName: item.flowName,
        flowVersion: item.flowVersion,
        status: e?.status ?? 'PENDING',
        queued: item.dispatchedAt !== null,
        error: e?.error ?? null,
        startedAt: e?.startedAt ?? null,
        finishedAt: e?.finishedAt ?? null,
        durationMs: e?.startedAt && e.finishedAt ? e.finishedAt.getTime() - e.startedAt.getTime() : null,
        executionSeq: e?.seq ?? 0,
      };
    }),
  };
}
