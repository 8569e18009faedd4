import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { EXECUTIONS_QUEUE, MAINTENANCE_QUEUE, SUITES_QUEUE } from '../queue/queue.constants';
import { AtsMetrics } from './ats-metrics';

const STATES = ['waiting', 'active', 'delayed'] as const;
/** Scrapes from several Prometheus servers (or a dashboard refresh) within this window share one read of Redis. */
const CACHE_MS = 2_000;

type Counts = Record<string, Record<(typeof STATES)[number], number>>;

/**
 * Queue depth per queue and state, read from BullMQ when scraped (every process sees the same shared
 * queues, so any instance answers for the cluster). A Redis outage leaves the last counts in place
 * rather than failing the whole scrape.
 */
@Injectable()
export class QueueMetricsCollector implements OnModuleInit {
  private cached: { at: number; counts: Promise<Counts> } | undefined;

  constructor(
    private readonly metrics: AtsMetrics,
    @InjectQueue(EXECUTIONS_QUEUE) private readonly executions: Queue,
    @InjectQueue(SUITES_QUEUE) private readonly suites: Queue,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue,
  ) {}

  onModuleInit(): void {
    const collector = this;
    new Gauge({
      name: 'ats_queue_jobs',
      help: 'BullMQ jobs per queue and state (waiting, active, delayed)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.metrics.registry],
      async collect() {
        const counts = await collector.counts().catch(() => undefined);
        if (!counts) return;
        for (const [queue, byState] of Object.entries(counts)) for (const state of STATES) this.set({ queue, state }, byState[state]);
      },
    });
  }

  private counts(): Promise<Counts> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.counts;
    const counts = Promise.all(
      [this.executions, this.suites, this.maintenance].map(async (queue) => [queue.name, await queue.getJobCounts(...STATES)] as const),
    ).then((entries) => Object.fromEntries(entries.map(([name, c]) => [name, { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0 }])));
    this.cached = { at: Date.now(), counts };
    counts.catch(() => (this.cached = undefined));
    return counts;
  }
}
