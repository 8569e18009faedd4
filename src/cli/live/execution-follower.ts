import type { ApiClient } from '../api-client';
import type { Output } from '../output';
import { followLive } from './follow-loop';
import { readEvents } from './sse-parser';
import { type AssertionOutcome, formatFailedAssertions, formatProgress, formatStepFinished, formatStepStarted, type StepProgress } from './step-lines';

export interface ExecutionStepView extends StepProgress {
  stepId: string;
  assertions?: AssertionOutcome[];
}

export interface ExecutionView {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  steps: ExecutionStepView[];
  seq: number;
}

interface ExecutionUpdate {
  executionId: string;
  updateType: 'EXECUTION_STARTED' | 'STEP_STARTED' | 'STEP_FINISHED' | 'EXECUTION_FINISHED';
  executionStatus: string;
  stepUpdate?: ExecutionStepView;
}

export const FINAL_EXECUTION_STATUSES = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const FINAL_STEP_STATUSES = new Set(['SUCCESS', 'ERROR', 'SKIPPED', 'CANCELLED']);

/**
 * Watches one execution until it ends, printing a line per step as it starts and finishes (failed
 * assertions with expected vs actual) and, on a TTY, a progress line. Live updates come from the SSE
 * stream; as they are best-effort (STREAMING.md), whatever the stream missed is read from the execution
 * itself when the stream ends, and the CLI polls if it ended early.
 */
export class ExecutionFollower {
  private readonly printed = new Set<number>();
  private readonly running = new Map<number, string>();
  private total = 0;
  private frame = 0;
  private readonly started = Date.now();

  constructor(
    private readonly client: ApiClient,
    private readonly out: Output,
    private readonly teamPath: string,
    private readonly executionId: string,
  ) {}

  /** The final execution; CliError (exit 3) when `deadline` (epoch ms) passes first. */
  follow(deadline: number): Promise<ExecutionView> {
    return followLive<ExecutionView>(
      {
        stream: (signal) => this.stream(signal),
        read: async () => {
          const execution = await this.client.get<ExecutionView>(`${this.teamPath}/executions/${this.executionId}`);
          await this.catchUp(execution);
          return execution;
        },
        isFinal: (execution) => FINAL_EXECUTION_STATUSES.has(execution.status),
        tick: () => this.showProgress(),
        timeoutMessage: `--timeout elapsed before execution ${this.executionId} finished; it goes on running (ats executions show ${this.executionId})`,
      },
      this.out,
      deadline,
    );
  }

  private async stream(signal: AbortSignal): Promise<void> {
    const response = await this.client.openStream(`${this.teamPath}/executions/${this.executionId}/events`, signal);
    for await (const event of readEvents(response)) {
      const data = JSON.parse(event.data) as ExecutionView | ExecutionUpdate;
      if (event.event === 'snapshot') {
        const snapshot = data as ExecutionView;
        await this.catchUp(snapshot);
        if (FINAL_EXECUTION_STATUSES.has(snapshot.status)) return;
        continue;
      }
      const update = data as ExecutionUpdate;
      // A flow step's child execution reports on the parent's stream too; its steps are not ours.
      if (update.executionId !== this.executionId) continue;
      const step = update.stepUpdate;
      if (update.updateType === 'STEP_STARTED' && step) {
        this.running.set(step.stepIndex, step.name);
        this.total = Math.max(this.total, step.stepIndex + 1);
        if (!this.out.interactive) this.out.line(formatStepStarted(step, this.out.colors));
      } else if (update.updateType === 'STEP_FINISHED' && step && FINAL_STEP_STATUSES.has(step.status)) {
        await this.finished(step);
      } else if (update.updateType === 'EXECUTION_FINISHED') {
        return;
      }
      this.showProgress();
    }
  }

  /** Prints the finished steps a snapshot or a read of the execution shows that no update printed yet. */
  private async catchUp(execution: ExecutionView): Promise<void> {
    this.total = Math.max(this.total, execution.steps.length);
    for (const step of [...execution.steps].sort((a, b) => a.stepIndex - b.stepIndex)) {
      if (FINAL_STEP_STATUSES.has(step.status)) await this.finished(step, step.assertions);
    }
  }

  private async finished(step: ExecutionStepView, assertions?: AssertionOutcome[]): Promise<void> {
    if (this.printed.has(step.stepIndex)) return;
    this.printed.add(step.stepIndex);
    this.running.delete(step.stepIndex);
    this.out.line(formatStepFinished(step, this.out.colors));
    if (step.status !== 'ERROR') return;
    // Updates carry no assertion results: read the stored step for expected vs actual.
    const outcomes =
      assertions ?? (await this.client.get<ExecutionStepView>(`${this.teamPath}/executions/${this.executionId}/steps/${step.stepId}`).catch(() => undefined))?.assertions;
    const lines = formatFailedAssertions(outcomes ?? [], this.out.colors);
    // A failed step is what a CI log is read for: its expected/actual shows even with --quiet.
    for (const line of lines) (this.out.quiet ? this.out.summary.bind(this.out) : this.out.line.bind(this.out))(line);
  }

  private showProgress(): void {
    const running = [...this.running.values()].join(', ');
    this.out.progress(formatProgress(this.frame++, this.printed.size, this.total, running, Date.now() - this.started, this.out.colors));
  }
}
