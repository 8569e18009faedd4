import type { StepStatus } from '../execution-status';
import type { ExecutionStep } from '../execution-step.entity';

/** One step of a finished execution as its metrics see it (no bodies). */
export interface TalliedStep {
  type: string;
  status: StepStatus;
  attempts: number;
  durationMs: number | null;
}

/**
 * The steps a worker's execution ran, kept beside its progress lane so that the metrics of a finished
 * run need no read-back of its rows: seeded at claim with what earlier attempts finished (a resumed
 * run counts them as the stored rows would), updated by every step outcome. Steps a re-run reused
 * from another execution did not run here and are left out, as the stored summary leaves them out.
 */
export class FinishedStepsTally {
  private readonly steps = new Map<number, TalliedStep>();

  constructor(rows: readonly Pick<ExecutionStep, 'stepIndex' | 'type' | 'status' | 'attempts' | 'durationMs' | 'reused'>[]) {
    for (const row of rows) {
      if (row.reused || (row.status !== 'SUCCESS' && row.status !== 'ERROR')) continue;
      this.steps.set(row.stepIndex, { type: row.type, status: row.status, attempts: row.attempts, durationMs: row.durationMs });
    }
  }

  record(stepIndex: number, type: string, status: StepStatus, attempts: number, durationMs: number): void {
    this.steps.set(stepIndex, { type, status, attempts, durationMs });
  }

  list(): TalliedStep[] {
    return [...this.steps.entries()].sort(([a], [b]) => a - b).map(([, step]) => step);
  }
}
