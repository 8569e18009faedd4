import { FinishedStepsTally } from './finished-steps-tally';

const row = (stepIndex: number, status: string, extra: Partial<{ type: string; attempts: number; durationMs: number | null; reused: boolean }> = {}) =>
  ({ stepIndex, type: 'http', status, attempts: 1, durationMs: 5, reused: false, ...extra }) as never;

describe('FinishedStepsTally', () => {
  it("counts what earlier attempts finished, except reused steps and steps that did not run", () => {
    const tally = new FinishedStepsTally([
      row(0, 'SUCCESS', { reused: true }),
      row(1, 'ERROR', { type: 'sql', attempts: 3, durationMs: 40 }),
      row(2, 'PENDING'),
      row(3, 'SKIPPED'),
    ]);
    expect(tally.list()).toEqual([{ type: 'sql', status: 'ERROR', attempts: 3, durationMs: 40 }]);
  });

  it("records this run's outcomes in step order, a later outcome of a step replacing the earlier", () => {
    const tally = new FinishedStepsTally([row(0, 'PENDING'), row(1, 'IN_PROGRESS')]);
    tally.record(1, 'kafka-publish', 'SUCCESS', 1, 3);
    tally.record(0, 'http', 'ERROR', 2, 12);
    tally.record(0, 'http', 'SUCCESS', 1, 7);
    expect(tally.list()).toEqual([
      { type: 'http', status: 'SUCCESS', attempts: 1, durationMs: 7 },
      { type: 'kafka-publish', status: 'SUCCESS', attempts: 1, durationMs: 3 },
    ]);
  });
});
