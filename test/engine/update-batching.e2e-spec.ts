import Redis from 'ioredis';
import { EXECUTION_UPDATES_CHANNEL, type ExecutionStatusUpdate, parseUpdateMessage } from '../../src/executions/execution-update';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_REDIS_URL } from '../support/test-env';

/**
 * What the worker publishes on the updates channel, message by message (docs/STREAMING.md): a run's
 * start goes through its paced progress lane, so a run that ends within PROGRESS_BATCH_INTERVAL_MS tells
 * its whole story in one message, and a run with a slow step announces its start with the first batch,
 * long before the step ends. The interval is raised to 1 s here so that "within it" holds on a loaded machine.
 */
describe('live updates leave in paced batches', () => {
  const INTERVAL_MS = 1000;
  let t: TestApp;
  let owner: { user: TestUser; teamId: string };
  let subscriber: Redis;
  const messages: ExecutionStatusUpdate[][] = [];

  beforeAll(async () => {
    t = await startTestApp('update-batching', { env: { PROGRESS_BATCH_INTERVAL_MS: String(INTERVAL_MS) } });
    owner = await ownerWithTeam(t, 'batching');
    subscriber = new Redis(TEST_REDIS_URL);
    subscriber.on('message', (_channel: string, message: string) => messages.push(parseUpdateMessage(message)));
    await subscriber.subscribe(`${t.config.REDIS_PREFIX}:${EXECUTION_UPDATES_CHANNEL}`);
  });
  afterAll(async () => {
    await subscriber?.quit();
    await t?.close();
  });

  /** The messages that carry updates of `id`, in arrival order, once its EXECUTION_FINISHED has arrived. */
  async function messagesOf(id: string): Promise<ExecutionStatusUpdate[][]> {
    const mine = () => messages.filter((batch) => batch.some((u) => u.executionId === id));
    for (let i = 0; i < 100 && !mine().some((batch) => batch.some((u) => u.updateType === 'EXECUTION_FINISHED')); i++) await new Promise((r) => setTimeout(r, 50));
    return mine();
  }

  it('sends a run that ends within the interval as one message, in seq order', async () => {
    const flowId = await createFlow(t, owner.user, owner.teamId, { name: 'quick', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 0 } })] });
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    expect((await waitForExecution(t, owner.user, owner.teamId, run.id)).status).toBe('COMPLETED');
    const mine = await messagesOf(run.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].map((u) => u.updateType)).toEqual(['EXECUTION_STARTED', 'STEP_STARTED', 'STEP_FINISHED', 'EXECUTION_FINISHED']);
    const seqs = mine[0].map((u) => u.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('announces the start of a run with a slow step long before the step ends', async () => {
    const flowId = await createFlow(t, owner.user, owner.teamId, { name: 'slow', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 2500 } })] });
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    expect((await waitForExecution(t, owner.user, owner.teamId, run.id)).status).toBe('COMPLETED');
    const mine = await messagesOf(run.id);
    const started = mine.find((batch) => batch.some((u) => u.updateType === 'EXECUTION_STARTED'))!;
    expect(started.map((u) => u.updateType)).toEqual(['EXECUTION_STARTED', 'STEP_STARTED']);
    const finished = mine.flat().find((u) => u.updateType === 'STEP_FINISHED')!;
    // Left with the first batch (about one interval after the claim), not with the step's end 2.5 s later.
    expect(Date.parse(finished.at) - Date.parse(started[0].at)).toBeGreaterThan(700);
  });
});
