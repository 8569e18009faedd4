import type { ChildProcess } from 'node:child_process';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { startWorkerProcess } from '../support/worker-process';

const startWorker = (t: TestApp): ChildProcess => startWorkerProcess(t);

describe('crash recovery', () => {
  let t: TestApp;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp('crash', { env: { APP_MODE: 'api' } });
  });
  afterAll(async () => {
    children.forEach((c) => c.kill('SIGKILL'));
    await t.close();
  });

  it('resumes an execution whose worker was SIGKILLed mid-step, and records the recovery', async () => {
    const { user, teamId } = await ownerWithTeam(t, 'crash');
    const flowId = await createFlow(t, user, teamId, {
      name: 'long running',
      steps: [
        noRetry({ name: 'first', type: 'delay', config: { delayMs: 10 } }),
        noRetry({ name: 'long', type: 'delay', config: { delayMs: 2500 } }),
        noRetry({ name: 'last', type: 'delay', config: { delayMs: 10 } }),
      ],
    });
    const first = startWorker(t);
    children.push(first);
    const run = await runFlow(t, user, teamId, flowId);
    await waitForExecution(t, user, teamId, run.id, 30000, (e) => e.steps[1].status === 'IN_PROGRESS');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = startWorker(t);
    children.push(second);
    const done = await waitForExecution(t, user, teamId, run.id, 45000);
    expect(done.status).toBe('COMPLETED');
    expect(done.attempt).toBe(2);
    expect(done.recoveries).toHaveLength(1);
    expect(done.recoveries[0]).toMatchObject({ attempt: 2, resumedFromStep: 1 });
    expect(done.recoveries[0].reason).toMatch(/stalled|stopped/);
    // The finished first step was kept, not re-run; the interrupted one ran again.
    expect(done.steps.map((s: any) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(new Date(done.steps[0].finishedAt).getTime()).toBeLessThan(new Date(done.steps[1].startedAt).getTime());
  });
});
