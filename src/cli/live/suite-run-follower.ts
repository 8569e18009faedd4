import type { ApiClient } from '../api-client';
import type { Output } from '../output';
import { FINAL_EXECUTION_STATUSES } from './execution-follower';
import { followLive } from './follow-loop';
import { readEvents } from './sse-parser';
import { formatProgress, formatStepFinished } from './step-lines';

export interface SuiteRunItem {
  position: number;
  executionId: string;
  flowName: string;
  status: string;
  error: string | null;
  durationMs: number | null;
}

export interface SuiteRunView {
  id: string;
  suiteName: string;
  status: string;
  outcome: string;
  durationMs: number | null;
  counts: { total: number; passed: number; failed: number; cancelled: number; pending: number; running: number };
  items: SuiteRunItem[];
}

interface SuiteRunUpdate {
  suiteRunId: string;
  updateType: 'EXECUTION_QUEUED' | 'EXECUTION_STARTED' | 'EXECUTION_FINISHED' | 'RUN_STOPPING' | 'RUN_FINISHED';
  execution?: { executionId: string; position: number; flowName: string; status: string };
}

// A suite run and each of its items end in the same statuses as an execution.
const FINAL_RUN_STATUSES = FINAL_EXECUTION_STATUSES;
const FINAL_ITEM_STATUSES = FINAL_EXECUTION_STATUSES;

/** Follows a suite run over its SSE stream: a line per flow as it starts and ends; polling fills any gap. */
export class SuiteRunFollower {
  private readonly printed = new Set<number>();
  private readonly running = new Map<number, string>();
  private total = 0;
  private frame = 0;
  private readonly started = Date.now();

  constructor(
    private readonly client: ApiClient,
    private readonly out: Output,
    private readonly teamPath: string,
    private readonly runId: string,
  ) {}

  follow(deadline: number): Promise<SuiteRunView> {
    return followLive<SuiteRunView>(
      {
        stream: (signal) => this.stream(signal),
        read: async () => {
          const run = await this.client.get<SuiteRunView>(`${this.teamPath}/suite-runs/${this.runId}`);
          this.catchUp(run);
          return run;
        },
        isFinal: (run) => FINAL_RUN_STATUSES.has(run.status),
        tick: () => this.showProgress(),
        timeoutMessage: `--timeout elapsed before suite run ${this.runId} finished; it goes on running`,
      },
      this.out,
      deadline,
    );
  }

  private async stream(signal: AbortSignal): Promise<void> {
    const response = await this.client.openStream(`${this.teamPath}/suite-runs/${this.runId}/events`, signal);
    for await (const event of readEvents(response)) {
      if (event.event === 'snapshot') {
        const run = JSON.parse(event.data) as SuiteRunView;
        this.catchUp(run);
        if (FINAL_RUN_STATUSES.has(run.status)) return;
        continue;
      }
      const update = JSON.parse(event.data) as SuiteRunUpdate;
      const execution = update.execution;
      if (update.updateType === 'EXECUTION_STARTED' && execution) {
        this.running.set(execution.position, execution.flowName);
        if (!this.out.interactive) this.out.line(`  ${this.out.colors.cyan('▸')} [${execution.position + 1}] ${execution.flowName}  ${this.out.colors.dim('started')}`);
      } else if (update.updateType === 'RUN_FINISHED') {
        return; // the final read prints the finished flows with their errors and durations
      }
      this.showProgress();
    }
  }

  private catchUp(run: SuiteRunView): void {
    this.total = run.counts?.total ?? run.items.length;
    for (const item of [...run.items].sort((a, b) => a.position - b.position)) {
      if (!FINAL_ITEM_STATUSES.has(item.status) || this.printed.has(item.position)) continue;
      this.printed.add(item.position);
      this.running.delete(item.position);
      this.out.line(
        formatStepFinished(
          { stepIndex: item.position, name: `${item.flowName}  ${this.out.colors.dim(item.executionId)}`, status: item.status, durationMs: item.durationMs, error: item.error },
          this.out.colors,
        ),
      );
    }
  }

  private showProgress(): void {
    const running = [...this.running.values()].join(', ');
    this.out.progress(
      formatProgress(this.frame++, this.printed.size, this.total, running, Date.now() - this.started, this.out.colors).replace('steps', 'flows'),
    );
  }
}
