import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { RunningExecutions } from '../engine/runner/running-executions';
import { AtsMetrics } from './ats-metrics';

/** This worker's capacity and what runs in it, read when scraped (worker and all modes). */
@Injectable()
export class WorkerSlotsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: AtsMetrics,
    private readonly running: RunningExecutions,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const running = this.running;
    new Gauge({
      name: 'ats_worker_running_executions',
      help: 'Executions this worker process is running now (a sub-flow child runs inside its parent\'s slot and is counted too)',
      registers: [this.metrics.registry],
      collect() {
        this.set(running.size);
      },
    });
    new Gauge({ name: 'ats_worker_slots', help: 'Execution jobs this worker process takes at once (WORKER_CONCURRENCY)', registers: [this.metrics.registry] }).set(
      this.config.WORKER_CONCURRENCY,
    );
  }
}
