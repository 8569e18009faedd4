import type { ChildProcess } from 'node:child_process';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { startWorkerProcess } from '../support/worker-process';

/** How the process ended: after a graceful shutdown Nest re-raises SIGTERM, so the signal is SIGTERM. */
const exited = (child: ChildProcess) =>
  new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));

describe('worker SIGTERM', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await startTestApp('sigterm', { env: { APP_MODE: 'api' } });
    ({ user, teamId } = await ownerWithTeam(t, 'sigterm'));
  });
  afterAll(async () => {
    children.forEach((c) => c.kill('SIGKILL'));
    await t.close();
  });

  it('finishes the in-flight execution before exiting', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'short', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 1500 } })] });
    const worker = startWorkerProcess(t);
    children.push(worker);
    const run = await runFlow(t, user, teamId, flowId);
    await waitForExecution(t, user, teamId, run.id, 45000, (e) => e.steps[0].status === 'IN_PROGRESS');
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe('SIGTERM');
    const done = await waitForExecution(t, user, teamId, run.id, 5000);
    expect(done.status).toBe('COMPLETED');
  });

  it('past SHUTDOWN_TIMEOUT_MS, releases the execution so the next worker resumes it', async () => {
    const flowId = await createFlow(t, user, teamId, { name: 'long', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 4000 } })] });
    const worker = startWorkerProcess(t, { SHUTDOWN_TIMEOUT_MS: '300' });
    children.push(worker);
    const run = await runFlow(t, user, teamId, flowId);
    await waitForExecution(t, user, teamId, run.id, 45000, (e) => e.steps[0].status === 'IN_PROGRESS');
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe('SIGTERM');
    const next = startWorkerProcess(t);
    children.push(next);
    const done = await waitForExecution(t, user, teamId, run.id, 40000);
    expect(done.status).toBe('COMPLETED');
    expect(done.attempt).toBe(2);
    expect(done.recoveries).toHaveLength(1);
  });
});
