import type { StepDefinition } from '../../flows/flow-definition';

/**
 * When each step of a run has settled (recorded, or certain not to run), for background steps whose
 * late fields wait for later steps. Promises are made only for steps someone waits on.
 */
export class StepSettlements {
  private readonly waiting = new Map<number, { promise: Promise<string>; resolve: (status: string) => void }>();
  private readonly settled = new Map<number, string>();

  settle(index: number, status: string): void {
    if (this.settled.has(index)) return;
    this.settled.set(index, status);
    this.waiting.get(index)?.resolve(status);
  }

  /** Every step not settled yet will not run (the flow stopped before it). */
  settleRest(total: number): void {
    for (let index = 0; index < total; index++) this.settle(index, 'NOT_RUN');
  }

  /** Undefined once every step in `indexes` succeeded; else why a step matching on them is skipped. */
  async skipReason(indexes: readonly number[], steps: readonly StepDefinition[]): Promise<string | undefined> {
    const statuses = await Promise.all(indexes.map((index) => this.whenSettled(index)));
    const failed = statuses.findIndex((status) => status !== 'SUCCESS');
    if (failed < 0) return undefined;
    const what = { ERROR: 'failed', SKIPPED: 'was skipped', CANCELLED: 'was cancelled', NOT_RUN: 'did not run' }[statuses[failed]] ?? statuses[failed];
    return `step "${steps[indexes[failed]].name}" it matches on ${what}`;
  }

  private whenSettled(index: number): Promise<string> {
    const done = this.settled.get(index);
    if (done !== undefined) return Promise.resolve(done);
    let entry = this.waiting.get(index);
    if (!entry) {
      let resolve!: (status: string) => void;
      const promise = new Promise<string>((r) => (resolve = r));
      entry = { promise, resolve };
      this.waiting.set(index, entry);
    }
    return entry.promise;
  }
}
