import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { SUITES_QUEUE } from '../../queue/queue.constants';
import type { Suite } from '../suite.entity';
import { SCHEDULED_SUITE_RUN_JOB, type ScheduledSuiteRunJob, suiteSchedulerId } from '../suites-queue.jobs';
import { checkSchedule } from './cron-schedule';

export interface ScheduleView {
  cron: string;
  timezone: string;
  enabled: boolean;
  nextRunAt: string | null;
}

/**
 * A suite's schedule is stored on the suite (the source of truth) and mirrored into one BullMQ job
 * scheduler per suite. BullMQ keeps it in Redis across restarts and creates exactly one job per tick
 * for the scheduler id, however many workers consume the queue.
 */
@Injectable()
export class SuiteSchedulesService {
  private readonly logger = new Logger(SuiteSchedulesService.name);

  constructor(@InjectQueue(SUITES_QUEUE) private readonly queue: Queue) {}

  isActive(suite: Pick<Suite, 'enabled' | 'scheduleEnabled' | 'scheduleCron'>): boolean {
    return suite.enabled && suite.scheduleEnabled && !!suite.scheduleCron;
  }

  /** Makes Redis match the suite row: upsert the job scheduler when active, remove it otherwise. */
  async sync(suite: Pick<Suite, 'id' | 'teamId' | 'enabled' | 'scheduleEnabled' | 'scheduleCron' | 'scheduleTimezone'>): Promise<void> {
    const id = suiteSchedulerId(suite.id);
    if (!this.isActive(suite)) {
      await this.queue.removeJobScheduler(id);
      return;
    }
    const data: ScheduledSuiteRunJob = { teamId: suite.teamId, suiteId: suite.id };
    await this.queue.upsertJobScheduler(
      id,
      { pattern: suite.scheduleCron!, tz: suite.scheduleTimezone ?? 'UTC' },
      { name: SCHEDULED_SUITE_RUN_JOB, data, opts: { attempts: 1, removeOnComplete: { count: 200 }, removeOnFail: { count: 200 } } },
    );
  }

  /** Re-creates schedulers missing from Redis (e.g. Redis was flushed); run by workers at startup. */
  async restoreMissing(suites: ReadonlyArray<Pick<Suite, 'id' | 'teamId' | 'enabled' | 'scheduleEnabled' | 'scheduleCron' | 'scheduleTimezone'>>): Promise<number> {
    let restored = 0;
    for (const suite of suites) {
      if (!this.isActive(suite) || (await this.queue.getJobScheduler(suiteSchedulerId(suite.id)))) continue;
      await this.sync(suite).then(
        () => restored++,
        (err: unknown) => this.logger.error({ err, suiteId: suite.id }, 'Could not restore a suite schedule'),
      );
    }
    return restored;
  }

  async remove(suiteId: string): Promise<void> {
    await this.queue.removeJobScheduler(suiteSchedulerId(suiteId));
  }

  /** The schedule as shown; `live` asks BullMQ for the scheduler's own next tick. */
  async view(suite: Suite, live = false): Promise<ScheduleView | null> {
    if (!suite.scheduleCron) return null;
    const timezone = suite.scheduleTimezone ?? 'UTC';
    let next: number | undefined;
    if (this.isActive(suite)) {
      if (live) next = (await this.queue.getJobScheduler(suiteSchedulerId(suite.id)).catch(() => undefined))?.next;
      next ??= checkSchedule(suite.scheduleCron, timezone).nextMillis;
    }
    return { cron: suite.scheduleCron, timezone, enabled: suite.scheduleEnabled, nextRunAt: next ? new Date(next).toISOString() : null };
  }
}
