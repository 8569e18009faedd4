import type { ExecutionStatus } from '../../executions/execution-status';
import type { SuiteRunStatus } from '../runs/suite-run-status';

export interface SuiteRunCounts {
  total: number;
  passed: number;
  failed: number;
  cancelled: number;
  pending: number;
  running: number;
}

/**
 * Published on `<REDIS_PREFIX>:suite-run-updates` whenever a suite run advances (README, "CI").
 * `seq` is allocated under the suite run's row lock, so it increases strictly per run across processes.
 */
export interface SuiteRunUpdate {
  suiteRunId: string;
  teamId: string;
  seq: number;
  updateType: 'EXECUTION_QUEUED' | 'EXECUTION_FINISHED' | 'RUN_STOPPING' | 'RUN_FINISHED';
  status: SuiteRunStatus;
  counts: SuiteRunCounts;
  execution?: SuiteRunExecutionUpdate;
  message?: string;
  at: string;
}

export interface SuiteRunExecutionUpdate {
  executionId: string;
  position: number;
  flowName: string;
  status: ExecutionStatus;
  error?: string | null;
}

/**
 * Relayed by the API's stream hub from the executions channel: an execution of the run started. It
 * has no suite `seq` (it was not produced under the run's lock) but the execution's own `executionSeq`,
 * which the hub compares with the snapshot so a start already contained in the snapshot is not resent.
 */
export interface SuiteRunExecutionStarted {
  suiteRunId: string;
  teamId: string;
  updateType: 'EXECUTION_STARTED';
  executionSeq: number;
  execution: SuiteRunExecutionUpdate;
  at: string;
}

export const SUITE_RUN_UPDATES_CHANNEL = 'suite-run-updates';
