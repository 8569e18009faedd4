import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { SUITES_QUEUE } from '../../queue/queue.constants';
import { SuiteReportsService } from '../reports/suite-reports.service';
import { SuiteRun } from '../runs/suite-run.entity';
import { DELIVER_WEBHOOK_JOB, type DeliverWebhookJob } from '../suites-queue.jobs';
import { SuiteWebhook } from './suite-webhook.entity';
import { buildWebhookBody, shouldNotify } from './webhook-payload';

const WEEK_SEC = 7 * 86400;

/**
 * Queues one delivery job per due webhook when a suite run finishes. The job id is derived from the
 * webhook and the run, so queueing twice (the reconciler after a crash) sends once; BullMQ retries a
 * failed delivery with exponential backoff.
 */
@Injectable()
export class SuiteNotificationsService {
  constructor(
    @InjectRepository(SuiteRun) private readonly runs: Repository<SuiteRun>,
    @InjectRepository(SuiteWebhook) private readonly webhooks: Repository<SuiteWebhook>,
    @InjectQueue(SUITES_QUEUE) private readonly queue: Queue,
    private readonly reports: SuiteReportsService,
    private readonly config: AppConfig,
  ) {}

  async runFinished(suiteRunId: string): Promise<void> {
    const run = await this.runs.findOne({ where: { id: suiteRunId } });
    if (!run || !run.finishedAt || run.notifiedAt) return;
    const hooks = (await this.webhooks.find({ where: { suiteId: run.suiteId, teamId: run.teamId, enabled: true } })).filter((w) =>
      shouldNotify(w.notifyOn, run.status, run.previousStatus),
    );
    if (hooks.length) {
      const report = await this.reports.suiteRunReport(run.teamId, run.id);
      for (const hook of hooks) {
        const deliveryId = `wh-${hook.id}-${run.id}`;
        const data: DeliverWebhookJob = {
          teamId: run.teamId,
          webhookId: hook.id,
          suiteRunId: run.id,
          deliveryId,
          format: hook.format,
          body: buildWebhookBody(hook.format, report, deliveryId),
          createdAtMs: Date.now(),
        };
        await this.queue.add(DELIVER_WEBHOOK_JOB, data, {
          jobId: deliveryId,
          attempts: this.config.WEBHOOK_MAX_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.config.WEBHOOK_BACKOFF_MS },
          removeOnComplete: { age: WEEK_SEC },
          removeOnFail: { age: WEEK_SEC },
        });
      }
    }
    await this.runs.update({ id: run.id, notifiedAt: IsNull() }, { notifiedAt: new Date() });
  }

  /** Finished runs whose notifications were never queued (the process stopped in between). */
  async unnotifiedRunIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.runs.query(
      `SELECT id FROM suite_runs WHERE notified_at IS NULL AND finished_at IS NOT NULL AND finished_at > now() - interval '1 day' AND finished_at < now() - interval '10 seconds' LIMIT 500`,
    );
    return rows.map((r) => r.id);
  }
}
