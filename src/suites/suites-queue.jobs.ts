// Job names and payloads of the suites queue (SUITES_QUEUE in queue/queue.constants.ts). Kept here
// rather than in queue.constants.ts because they are private to this module's producer and worker.
import { IsIn, IsInt, IsString, IsUUID, Min, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';

/** Fired by a suite's BullMQ job scheduler: starts one suite run per tick. */
export const SCHEDULED_SUITE_RUN_JOB = 'scheduled-suite-run';
/** One webhook notification of one finished suite run; BullMQ retries it with exponential backoff. */
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';
/** Periodic safety net: re-advance active suite runs, send notifications a crash left unsent. */
export const RECONCILE_SUITE_RUNS_JOB = 'reconcile-suite-runs';
export const RECONCILE_SCHEDULER_ID = 'suite-runs-reconcile';

/** BullMQ job-scheduler id of a suite's schedule (no ':' — BullMQ builds `repeat:<id>:<millis>` job ids from it). */
export function suiteSchedulerId(suiteId: string): string {
  return `suite-${suiteId}`;
}

export class ScheduledSuiteRunJob {
  @IsUUID() teamId: string;
  @IsUUID() suiteId: string;
}

export class DeliverWebhookJob {
  @IsUUID() teamId: string;
  @IsUUID() webhookId: string;
  @IsUUID() suiteRunId: string;
  /** Same for every attempt of one notification (sent as X-ATS-Delivery so receivers can de-duplicate). */
  @IsString() deliveryId: string;
  /** The exact bytes sent and signed; fixed at enqueue so every retry carries the same signature. */
  @IsString() body: string;
  @IsIn(['json', 'slack']) format: 'json' | 'slack';
  @IsInt() @Min(0) createdAtMs: number;
}

/** Validates a job payload on pickup (STYLE §5); throws with the offending fields. */
export function parseJobData<T extends object>(type: new () => T, data: unknown): T {
  const value = plainToInstance(type, data ?? {});
  const errors = validateSync(value, { forbidUnknownValues: false });
  if (errors.length) throw new Error(`invalid job data: ${errors.map((e) => e.property).join(', ')}`);
  return value;
}
