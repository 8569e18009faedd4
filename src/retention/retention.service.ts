import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { TeamCutoff } from '../common/team-cutoffs';
import { ExecutionRetentionStore } from '../executions/execution-retention.store';
import { TeamsService } from '../identity/teams/teams.service';
import { SuiteRetentionStore } from '../suites/suite-retention.store';

/** Rows one retention pass deleted, per table. */
export interface RetentionPassResult {
  executions: number;
  executionSteps: number;
  suiteRuns: number;
  suiteRunItems: number;
  webhookDeliveries: number;
  durationMs: number;
}

/**
 * Deletes run data past its team's retention (EXECUTION_RETENTION_DAYS, or the team's override):
 * finished executions with their steps, finished suite runs with their items and webhook deliveries,
 * and webhook deliveries on their own. Rows are aged by creation time; PENDING and IN_PROGRESS
 * executions and IN_PROGRESS suite runs are never deleted. Flow versions are not touched: nothing
 * references an execution, so deleting one orphans nothing.
 *
 * Each module deletes its own rows, one batch (RETENTION_BATCH_SIZE rows found by primary key, one
 * short transaction) at a time with RETENTION_BATCH_PAUSE_MS between batches, so a pass over a large
 * backlog never holds locks long and leaves room for the runs. The scheduler (RetentionWorker) calls
 * `runPass` once per RETENTION_INTERVAL_SEC across all workers; tests call it directly.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly teams: TeamsService,
    private readonly executions: ExecutionRetentionStore,
    private readonly suites: SuiteRetentionStore,
  ) {}

  async runPass(): Promise<RetentionPassResult> {
    const started = performance.now();
    const cutoffs: TeamCutoff[] = await this.teams.retentionCutoffs(this.config.EXECUTION_RETENTION_DAYS);
    const result = { executions: 0, executionSteps: 0, suiteRuns: 0, suiteRunItems: 0, webhookDeliveries: 0 };
    const limit = this.config.RETENTION_BATCH_SIZE;
    // Suite runs before executions: a kept run's report never loses its executions, its own are as old as it is.
    await this.inBatches(async () => {
      const deleted = await this.suites.deleteExpiredRunsBatch(cutoffs, limit);
      result.suiteRuns += deleted.suiteRuns;
      result.suiteRunItems += deleted.items;
      result.webhookDeliveries += deleted.deliveries;
      return deleted.suiteRuns;
    });
    await this.inBatches(async () => {
      const deleted = await this.suites.deleteExpiredDeliveriesBatch(cutoffs, limit);
      result.webhookDeliveries += deleted;
      return deleted;
    });
    await this.inBatches(async () => {
      const deleted = await this.executions.deleteExpiredBatch(cutoffs, limit);
      result.executions += deleted.executions;
      result.executionSteps += deleted.steps;
      return deleted.executions;
    });
    const pass = { ...result, durationMs: Math.round(performance.now() - started) };
    this.logger.log({ ...pass, teams: cutoffs.length }, `Retention pass deleted ${pass.executions} executions, ${pass.suiteRuns} suite runs, ${pass.webhookDeliveries} webhook deliveries`);
    return pass;
  }

  /** Runs `batch` until one deletes fewer rows than a full batch, pausing between batches. */
  private async inBatches(batch: () => Promise<number>): Promise<void> {
    while ((await batch()) >= this.config.RETENTION_BATCH_SIZE) {
      await new Promise((resolve) => setTimeout(resolve, this.config.RETENTION_BATCH_PAUSE_MS));
    }
  }
}
