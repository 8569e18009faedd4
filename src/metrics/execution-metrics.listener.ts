import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ExecutionProgressService, type FinishedExecution } from '../executions/execution-progress.service';
import { ExecutionUpdatePublisher } from '../executions/execution-update.publisher';
import { ExecutionsService } from '../executions/executions.service';
import { AtsMetrics } from './ats-metrics';

/** Step statuses that ran (SKIPPED and never-started CANCELLED steps have no duration worth a sample). */
const RAN = new Set(['SUCCESS', 'ERROR']);

/**
 * Feeds the execution and step metrics from the seams the engine already has, so the run path gains
 * no statement: starts from the updates this process publishes, ends from the executions' finished
 * listeners, whose event carries the run's trigger, run time and steps as the worker saw them (read
 * back from the rows, without the run waiting, only for a run this process did not claim).
 */
@Injectable()
export class ExecutionMetricsListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExecutionMetricsListener.name);
  /** Summaries still being read: shutdown waits for them so a last scrape is not short. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly metrics: AtsMetrics,
    private readonly progress: ExecutionProgressService,
    private readonly publisher: ExecutionUpdatePublisher,
    private readonly executions: ExecutionsService,
  ) {}

  onModuleInit(): void {
    this.publisher.observe((update) => {
      // A run resumed after its worker was lost publishes EXECUTION_STARTED again ("Resumed by attempt N"):
      // it started once, and the reconciler's own counter says how often runs were recovered.
      if (update.updateType === 'EXECUTION_STARTED' && !update.message?.startsWith('Resumed')) this.metrics.executionsStarted.inc();
    });
    this.progress.onExecutionFinished((execution) => {
      const recorded = this.record(execution).finally(() => this.pending.delete(recorded));
      this.pending.add(recorded);
      return Promise.resolve();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async record({ id: executionId, status, summary: known }: FinishedExecution): Promise<void> {
    try {
      // The worker that ran it knows what it ran; only a run finished elsewhere is read back.
      const summary = known ?? (await this.executions.finishedSummary(executionId));
      if (!summary) return;
      const labels = { status, trigger: summary.trigger };
      this.metrics.executionsFinished.inc(labels);
      if (summary.durationMs !== null) this.metrics.executionDuration.observe(labels, summary.durationMs / 1000);
      for (const step of summary.steps) {
        if (!RAN.has(step.status) || step.durationMs === null) continue;
        const stepLabels = { type: step.type, status: step.status };
        this.metrics.stepDuration.observe(stepLabels, step.durationMs / 1000);
        this.metrics.stepAttempts.observe(stepLabels, step.attempts);
      }
    } catch (err) {
      // Still counted: a finished run must not vanish from the totals because one read failed.
      this.metrics.executionsFinished.inc({ status, trigger: 'unknown' });
      this.logger.warn({ err, executionId }, 'Could not record the metrics of a finished execution');
    }
  }
}
