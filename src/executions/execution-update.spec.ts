import { type ExecutionStatusUpdate, peekExecutionId } from './execution-update';

describe('peekExecutionId', () => {
  it('reads the id of an update serialised the way the publisher does, without parsing', () => {
    const update: ExecutionStatusUpdate = { executionId: '0b6c6f0e-1c1e-4f7a-9a59-3c1b6d1f2a10', teamId: 't', seq: 3, updateType: 'STEP_STARTED', executionStatus: 'IN_PROGRESS', at: 'x' };
    expect(peekExecutionId(JSON.stringify(update))).toBe(update.executionId);
  });

  it('answers undefined for any other shape, so the caller falls back to parsing', () => {
    expect(peekExecutionId('{"teamId":"t","executionId":"e"}')).toBeUndefined();
    expect(peekExecutionId('{"executionId":"')).toBeUndefined();
    expect(peekExecutionId('not json')).toBeUndefined();
  });
});
