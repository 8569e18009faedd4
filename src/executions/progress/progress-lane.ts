import type { StepStatus } from '../execution-status';
import type { ExecutionStatusUpdate } from '../execution-update';

/**
 * The fields of one step row a transition sets; absent fields keep their stored value. Timestamps are
 * ISO strings from a MonotonicClock, so transitions merged into one statement keep their order.
 */
export interface StepWrite {
  stepIndex: number;
  status: StepStatus;
  request?: unknown;
  response?: unknown;
  assertions?: unknown;
  logs?: string[];
  attempts?: number;
  error?: string | null;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  childExecutionId?: string;
  warning?: boolean;
}

/** Writes a batch (one statement: the step rows and the execution's seq), then publishes its updates. */
export type LaneSink = (writes: StepWrite[], seq: number, updates: ExecutionStatusUpdate[]) => Promise<void>;

/**
 * Write-behind queue of one running execution's step transitions. The runner does not wait for a
 * transition to be stored before it runs the next step: while one batch is being written, later
 * transitions queue up and leave together, merged per step, as the next single statement. So a
 * step's database round trip overlaps the next step instead of adding to it, and a fast flow writes
 * fewer statements than it has transitions.
 *
 * Order is kept: batches are written one after another, a step's fields are merged in the order they
 * were set, and updates are published only after the batch holding their rows is written. A batch that
 * fails for good (after the sink's own retries) poisons the lane: later pushes and `drain` reject with
 * that error, so the runner fails the execution instead of reporting steps that were never stored.
 */
export class ProgressLane {
  private writes = new Map<number, StepWrite>();
  private updates: ExecutionStatusUpdate[] = [];
  /** The batch being written, and the one that will take whatever is queued meanwhile. */
  private inFlight?: Promise<void>;
  private queued?: Promise<void>;
  private failure?: unknown;
  /** Set by `close`: batches that have not started leave their transitions to the caller. */
  private closing = false;

  /** When the last batch started (ms, performance.now), for the pacing of a busy lane. */
  private lastFlushAt = -Infinity;

  /**
   * @param minBatchIntervalMs pacing of a busy lane: a batch starts at least this long after the one
   *   before it started, so a flow of fast steps writes one statement per interval instead of one per
   *   step or two (fewer statements, Redis publishes and socket deliveries for the same transitions).
   *   A lane that was idle that long writes at once, so a live view of a slow step gets its update
   *   without delay; and the run's end never waits for it (close() takes what a paced batch holds).
   */
  constructor(
    private seq: number,
    private readonly sink: LaneSink,
    private readonly minBatchIntervalMs = 0,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  /**
   * Tells the pacing that the execution's row was just written by another statement (its claim), so a
   * run whose first steps finish within the interval sends them with the next batch or with its finish.
   */
  markWritten(): void {
    this.lastFlushAt = performance.now();
  }

  /** Queues writes and their updates; the promise settles when they are stored (it is safe to ignore). */
  push(writes: readonly StepWrite[], updates: readonly ExecutionStatusUpdate[]): Promise<void> {
    if (this.failure) return handled(Promise.reject(this.failure));
    for (const write of writes) this.writes.set(write.stepIndex, { ...this.writes.get(write.stepIndex), ...write });
    this.updates.push(...updates);
    return this.schedule();
  }

  /** Settles when everything pushed so far is stored; rejects if any batch failed. */
  async drain(): Promise<void> {
    await (this.queued ?? this.inFlight);
    if (this.failure) throw this.failure;
  }

  /**
   * Ends the lane: waits for the batch being written (if any) and hands back what is still queued,
   * for the caller to store in its own final statement — one statement fewer at the end of every run.
   */
  async close(): Promise<{ writes: StepWrite[]; updates: ExecutionStatusUpdate[] }> {
    this.closing = true;
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    return this.take();
  }

  /** The error that poisoned the lane, if any. */
  get failed(): unknown {
    return this.failure;
  }

  private schedule(): Promise<void> {
    if (this.queued) return this.queued; // it has not taken the pending writes yet: they ride along
    const previous = this.inFlight ?? Promise.resolve();
    const batch: Promise<void> = previous
      .catch(() => undefined)
      .then(() => this.pace())
      .then(() => {
        this.queued = undefined;
        this.inFlight = batch;
        return this.flush();
      });
    this.queued = batch;
    const clear = () => {
      if (this.inFlight === batch) this.inFlight = undefined;
    };
    batch.then(clear, clear);
    return batch;
  }

  /** Waits out the rest of the minimum interval since the last batch started (nothing when idle long enough). */
  private pace(): Promise<void> | undefined {
    const wait = this.lastFlushAt + this.minBatchIntervalMs - performance.now();
    if (wait <= 0 || this.closing) return undefined;
    return new Promise((resolve) => setTimeout(resolve, wait));
  }

  private take(): { writes: StepWrite[]; updates: ExecutionStatusUpdate[] } {
    const writes = [...this.writes.values()].sort((a, b) => a.stepIndex - b.stepIndex);
    const updates = this.updates;
    this.writes = new Map();
    this.updates = [];
    return { writes, updates };
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closing) return; // close() takes what is queued
    const { writes, updates } = this.take();
    if (!writes.length && !updates.length) return;
    this.lastFlushAt = performance.now();
    try {
      await this.sink(writes, updates.length ? updates[updates.length - 1].seq : this.seq, updates);
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }
}

function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
