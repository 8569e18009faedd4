import { executionJobId, slotWaitsOfJobId } from './execution-job-queue';

const ID = '6f1c2a9e-1d2b-4c3d-9e8f-0a1b2c3d4e5f';

describe('run job ids', () => {
  it('is the execution id for the first job, and names the wait for a promotion', () => {
    expect(executionJobId(ID)).toBe(ID);
    expect(executionJobId(ID, 0)).toBe(ID);
    expect(executionJobId(ID, 3)).toBe(`${ID}-w3`);
    // BullMQ refuses custom ids with ':' (and integer ids).
    expect(executionJobId(ID, 3)).not.toContain(':');
  });

  it('reads the wait back from a job id, so a job of an earlier wait is recognised as stale', () => {
    expect(slotWaitsOfJobId(ID, ID)).toBe(0);
    expect(slotWaitsOfJobId(`${ID}-w3`, ID)).toBe(3);
    expect(slotWaitsOfJobId(executionJobId(ID, 12), ID)).toBe(12);
  });

  it('answers undefined for ids of another shape or another execution', () => {
    expect(slotWaitsOfJobId(undefined, ID)).toBeUndefined();
    expect(slotWaitsOfJobId('42', ID)).toBeUndefined();
    expect(slotWaitsOfJobId(`${ID}-w`, ID)).toBeUndefined();
    expect(slotWaitsOfJobId(`${ID}-w0`, ID)).toBeUndefined();
    expect(slotWaitsOfJobId(`${ID}-wx`, ID)).toBeUndefined();
    expect(slotWaitsOfJobId(`other-w1`, ID)).toBeUndefined();
  });
});
