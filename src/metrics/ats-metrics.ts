import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from a fast HTTP answer to a long async flow (executions may run for hours). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const EXECUTION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const ATTEMPT_BUCKETS = [1, 2, 3, 5, 10, 20];

/**
 * Every metric the service exposes, on its own Registry rather than prom-client's global default: the
 * e2e tests run several apps in one process, and each must count only its own work. Labels are bounded
 * by construction (route templates, statuses, triggers, step types, queue names) — never a team, user
 * or execution id, which would grow a series per tenant.
 */
@Injectable()
export class AtsMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'ats_http_request_duration_seconds',
    help: 'HTTP requests by method, matched route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly executionsStarted = new Counter({
    name: 'ats_executions_started_total',
    help: 'Executions started by a worker (a run resumed after a lost worker is not counted again)',
    registers: [this.registry],
  });

  readonly executionsFinished = new Counter({
    name: 'ats_executions_finished_total',
    help: 'Executions that reached a terminal state, by status and trigger',
    labelNames: ['status', 'trigger'] as const,
    registers: [this.registry],
  });

  readonly executionDuration = new Histogram({
    name: 'ats_execution_duration_seconds',
    help: 'Time from an execution starting to its end, by status and trigger (runs cancelled before start are not observed)',
    labelNames: ['status', 'trigger'] as const,
    buckets: EXECUTION_BUCKETS,
    registers: [this.registry],
  });

  readonly stepDuration = new Histogram({
    name: 'ats_step_duration_seconds',
    help: 'Duration of finished steps (all attempts), by step type and status',
    labelNames: ['type', 'status'] as const,
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });

  readonly stepAttempts = new Histogram({
    name: 'ats_step_attempts',
    help: 'Attempts a finished step took (1 = passed or failed without retrying), by step type and status',
    labelNames: ['type', 'status'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [this.registry],
  });

  readonly reconcilerRecoveries = new Counter({
    name: 'ats_reconciler_recoveries_total',
    help: 'Executions the reconciler re-queued because their queue job was lost',
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'ats_webhook_deliveries_total',
    help: 'Suite webhook delivery attempts by outcome (delivered, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly liveSockets = new Gauge({
    name: 'ats_live_sockets',
    help: 'Socket.IO clients connected to this API process, by namespace',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ats_' });
  }
}
