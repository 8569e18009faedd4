import { STEP_LOG_MAX_LINE_CHARS, STEP_LOG_MAX_LINES, StepLog } from './step-log';

describe('StepLog', () => {
  const noRedaction = (line: string) => line;

  it('keeps nothing for a step that logs nothing', () => {
    expect(new StepLog(noRedaction).lines()).toBeUndefined();
  });

  it('keeps at most 50 lines and says how many more there were', () => {
    const log = new StepLog(noRedaction);
    for (let i = 1; i <= STEP_LOG_MAX_LINES + 3; i++) log.write(`line ${i}`);
    const lines = log.lines()!;
    expect(lines).toHaveLength(STEP_LOG_MAX_LINES + 1);
    expect(lines[STEP_LOG_MAX_LINES - 1]).toBe('line 50');
    expect(lines[STEP_LOG_MAX_LINES]).toBe('… 3 more lines not kept (at most 50 per step)');
  });

  it('cuts a long line and says so', () => {
    const log = new StepLog(noRedaction);
    log.write('x'.repeat(STEP_LOG_MAX_LINE_CHARS + 500));
    expect(log.lines()![0]).toBe(`${'x'.repeat(STEP_LOG_MAX_LINE_CHARS)}… (line cut at 1000 characters)`);
  });

  it('redacts before cutting, so no part of a secret at the cut survives', () => {
    const secret = 's3cr3t-token-value';
    const log = new StepLog((line) => line.replaceAll(secret, '[REDACTED]'));
    log.write(`${'a'.repeat(STEP_LOG_MAX_LINE_CHARS - 5)}${secret}`);
    log.write(`Authorization: Bearer ${secret}`);
    expect(log.lines()!.join('\n')).not.toContain('s3cr3');
    expect(log.lines()![1]).toBe('Authorization: Bearer [REDACTED]');
  });
});
