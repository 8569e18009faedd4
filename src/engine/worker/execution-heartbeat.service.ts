import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ExecutionRecoveryStore } from '../../executions/execution-recovery.store';
import { RunningExecutions } from '../runner/running-executions';

/** Stamps older than this many heartbeat intervals mean the worker is gone (see the reconciler). */
export const HEARTBEAT_STALE_INTERVALS = 6;

/**
 * Stamps `heartbeat_at` of every execution this worker is running, one statement per interval for all
 * of them. BullMQ notices a dead worker through its job lock — but only while Redis still holds the
 * job; the stamp is what lets the execution reconciler recover a run whose worker died and whose job
 * Redis lost, without ever resuming one that a live worker is still running.
 */
@Injectable()
export class ExecutionHeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExecutionHeartbeatService.name);
  private timer?: NodeJS.Timeout;
  private failing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly store: ExecutionRecoveryStore,
    private readonly running: RunningExecutions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.beat(), this.config.EXECUTION_HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One stamp for all running executions; never throws (a missed beat is only a later stamp). */
  async beat(): Promise<void> {
    const ids = this.running.ids();
    if (!ids.length) return;
    try {
      await this.store.stampHeartbeat(ids);
      if (this.failing) this.logger.log('Execution heartbeats are stored again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: error }, 'Could not store execution heartbeats (retried every interval)');
      this.failing = true;
    }
  }
}
