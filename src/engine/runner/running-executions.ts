import { setMaxListeners } from 'node:events';
import { Injectable } from '@nestjs/common';

export class CancelledError extends Error {
  override name = 'CancelledError';
  /** `detail`: the execution's error text (a child cancelled with its parent says so). */
  constructor(readonly detail = 'Cancelled by user') {
    super('cancelled by user');
  }
}

export class WorkerShutdownError extends Error {
  override name = 'WorkerShutdownError';
  constructor() {
    super('worker shutting down; another worker will resume the execution');
  }
}

export class ExecutionTimeoutError extends Error {
  override name = 'ExecutionTimeoutError';
  constructor(budgetMs: number) {
    super(`execution exceeded its time budget of ${budgetMs / 1000} s`);
  }
}

/** AbortControllers of the executions this worker is running, so cancel and shutdown can reach them. */
@Injectable()
export class RunningExecutions {
  private readonly controllers = new Map<string, AbortController>();

  register(executionId: string): AbortController {
    const controller = new AbortController();
    // Every step attempt, background step and retry wait of the run listens on this signal: a flow with
    // many background steps has more than Node's default of 10 listeners at once, and that is no leak.
    setMaxListeners(0, controller.signal);
    this.controllers.set(executionId, controller);
    return controller;
  }

  release(executionId: string): void {
    this.controllers.delete(executionId);
  }

  cancel(executionId: string): boolean {
    const controller = this.controllers.get(executionId);
    controller?.abort(new CancelledError());
    return !!controller;
  }

  abortAll(reason: Error): void {
    for (const controller of this.controllers.values()) controller.abort(reason);
  }

  /** Ids of the executions this worker is running now. */
  ids(): string[] {
    return [...this.controllers.keys()];
  }

  get size(): number {
    return this.controllers.size;
  }
}
