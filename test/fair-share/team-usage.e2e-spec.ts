import { waitUntil } from '../drills/drill-support';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { addMember, API, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { setTeamLimit } from './fair-share-support';

/**
 * Issue #15, visible usage: GET /teams/{id}/usage shows a team where it stands — running and waiting
 * runs against its limit, run starts in the rate window, stored bytes and retention — to its viewers
 * and to no other team.
 */
describe('fair share: team usage', () => {
  let t: TestApp;
  let owner: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;

  beforeAll(async () => {
    t = await startTestApp('team_usage', { env: { WORKER_CONCURRENCY: '3', TEAM_MAX_CONCURRENT_EXECUTIONS: '4', TEAM_RUN_RATE_PER_MIN: '50', EXECUTION_RETENTION_DAYS: '30' } });
    ({ user: owner, teamId } = await ownerWithTeam(t, 'usage'));
    target = await startHttpTarget({ 'GET /data': (_req, _body, res) => json(res, 200, { text: 'x'.repeat(5000) }) });
  });
  afterAll(async () => {
    await target?.close();
    await t?.close();
  });

  const usage = async (user: TestUser, team = teamId) => (await t.http.get(`${API}/teams/${team}/usage`).set(user.auth).expect(200)).body;

  it('starts empty with the deployment defaults', async () => {
    expect(await usage(owner)).toEqual({
      running: 0,
      waiting: 0,
      limit: 4,
      runsInWindow: 0,
      runRateLimit: 50,
      runRateWindowSec: 60,
      runRateResetsInSec: 0,
      storedBytes: 0,
      retentionDays: 30,
    });
  });

  it('shows one run running and two waiting under a limit of 1, three runs in the window, without counting the read', async () => {
    await setTeamLimit(t, owner, teamId, 1);
    const flowId = await createFlow(t, owner, teamId, { name: 'long', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 2000 } })] });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await runFlow(t, owner, teamId, flowId)).id);

    const seen = await waitUntil('1 running and 2 waiting', async () => {
      const u = await usage(owner);
      return u.running === 1 && u.waiting === 2 && u;
    }, 10_000, 25);
    expect(seen).toMatchObject({ running: 1, waiting: 2, limit: 1, runsInWindow: 3, runRateLimit: 50 });
    expect(seen.runRateResetsInSec).toBeGreaterThan(0);
    expect(seen.runRateResetsInSec).toBeLessThanOrEqual(60);
    expect((await usage(owner)).runsInWindow).toBe(3); // reading does not count as a run

    for (const id of ids) expect((await waitForExecution(t, owner, teamId, id, 20_000)).status).toBe('COMPLETED');
    expect(await usage(owner)).toMatchObject({ running: 0, waiting: 0, runsInWindow: 3 });
  }, 40_000);

  it('adds up the bytes the team stores once a run has completed', async () => {
    const before = (await usage(owner)).storedBytes;
    const flowId = await createFlow(t, owner, teamId, { name: 'bytes', steps: [noRetry({ name: 'get', type: 'http', config: { url: `${target.url}/data` } })] });
    const run = await waitForExecution(t, owner, teamId, (await runFlow(t, owner, teamId, flowId)).id);
    expect(run.status).toBe('COMPLETED');
    expect(run.storedBytes).toBeGreaterThan(5000);
    expect((await usage(owner)).storedBytes).toBe(before + run.storedBytes);
  }, 20_000);

  it("reflects the team's retention override, and the default again when it is cleared", async () => {
    await t.http.patch(`${API}/teams/${teamId}`).set(owner.auth).send({ executionRetentionDays: 7 }).expect(200);
    expect((await usage(owner)).retentionDays).toBe(7);
    await t.http.patch(`${API}/teams/${teamId}`).set(owner.auth).send({ executionRetentionDays: null, maxConcurrentExecutions: null }).expect(200);
    expect(await usage(owner)).toMatchObject({ retentionDays: 30, limit: 4 });
  });

  it('is readable by a viewer of the team and by no other team (404)', async () => {
    const viewer = await registerUser(t, 'usage-viewer');
    await addMember(t, owner, teamId, viewer, 'viewer');
    expect(await usage(viewer)).toMatchObject({ limit: 4, retentionDays: 30, runsInWindow: 4 });

    const other = await ownerWithTeam(t, 'usage-other');
    const denied = await t.http.get(`${API}/teams/${teamId}/usage`).set(other.user.auth);
    expect(denied.status).toBe(404);
    expect(JSON.stringify(denied.body)).not.toMatch(/storedBytes|running/);
    expect(await usage(other.user, other.teamId)).toMatchObject({ running: 0, waiting: 0, runsInWindow: 0, storedBytes: 0 });
  });
});
