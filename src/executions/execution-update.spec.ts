import { type ExecutionStatusUpdate, parseUpdateMessage, peekExecutionId } from './execution-update';

describe('peekExecutionId', () => {
  it('reads the id of an update serialised the way the publisher does, without parsing', () => {
    const update: ExecutionStatusUpdate = { executionId: '0b6c6f0e-1c1e-4f7a-9a59-3c1b6d1f2a10', teamId: 't', seq: 3, updateType: 'STEP_STARTED', executionStatus: 'IN_PROGRESS', at: 'x' };
    expect(peekExecutionId(JSON.stringify(update))).toBe(update.executionId);
    expect(peekExecutionId(JSON.stringify([update, { ...update, seq: 4 }]))).toBe(update.executionId); // a batch
  });

  it('answers undefined for any other shape, so the caller falls back to parsing', () => {
    expect(peekExecutionId('{"teamId":"t","executionId":"e"}')).toBeUndefined();
    expect(peekExecutionId('{"executionId":"')).toBeUndefined();
    expect(peekExecutionId('not json')).toBeUndefined();
    expect(peekExecutionId('[{"teamId":"t"}]')).toBeUndefined();
    expect(peekExecutionId('[')).toBeUndefined();
  });
});

describe('parseUpdateMessage', () => {
  const update: ExecutionStatusUpdate = { executionId: 'e', teamId: 't', seq: 1, updateType: 'EXECUTION_STARTED', executionStatus: 'IN_PROGRESS', at: 'x' };

  it('reads a single update and a batch, in order', () => {
    expect(parseUpdateMessage(JSON.stringify(update))).toEqual([update]);
    const batch = [update, { ...update, seq: 2, updateType: 'STEP_STARTED' }];
    expect(parseUpdateMessage(JSON.stringify(batch))).toEqual(batch);
  });

  it('throws on a malformed message, for the caller to log and drop', () => {
    expect(() => parseUpdateMessage('{"executionId":')).toThrow(SyntaxError);
  });
});
