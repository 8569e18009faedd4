import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, createTeam, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSuite } from '../suites/suite-helpers';

/**
 * Issue #15: run budgets. A run has a deadline (EXECUTION_MAX_DURATION_SEC, lowered by
 * parameters.timeoutMs); a flow whose worst case exceeds it is refused at save naming the steps; a
 * schedule may not fire more often than SCHEDULE_MIN_INTERVAL_SEC; a team may start only
 * TEAM_RUN_RATE_PER_MIN runs a minute (flow and suite runs together).
 */
describe('fair share: run budgets', () => {
  let t: TestApp;
  let owner: TestUser;
  let teamId: string;
  let orgId: string;

  beforeAll(async () => {
    t = await startTestApp('run_budgets', { env: { TEAM_RUN_RATE_PER_MIN: '8' } });
    ({ user: owner, teamId, orgId } = await ownerWithTeam(t, 'budgets'));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses to save a flow whose worst case exceeds the budget, naming the steps that make it too long', async () => {
    const steps = [
      noRetry({ name: 'quick', type: 'delay', config: { delayMs: 1 }, timeoutMs: 1000 }),
      { name: 'patient', type: 'delay', config: { delayMs: 1 }, timeoutMs: 3_600_000, retry: { maxRetries: 100, maxDelayMs: 600_000 } },
    ];
    const res = await t.http.post(`${API}/teams/${teamId}/flows`).set(owner.auth).send({ name: 'too long', steps });
    expect(res.status).toBe(400);
    const [problem] = res.body.details.problems;
    expect(problem.field).toBe('/steps');
    expect(problem.message).toMatch(/^worst-case duration \d+ s exceeds the execution time budget of 3600 s/);
    expect(problem.message).toContain('"patient" (');
    expect(problem.message).toContain('101 attempts × 3600 s');
    expect(problem.message).not.toContain('"quick"');
    // The same flow within budget saves.
    await createFlow(t, owner, teamId, { name: 'fits', steps: [steps[0], { ...steps[1], timeoutMs: 1000, retry: { maxRetries: 0 } }] });
  });

  it('fails a run at the deadline its parameters.timeoutMs sets, and refuses a timeoutMs above the budget', async () => {
    const flowId = await createFlow(t, owner, teamId, { name: 'slow', steps: [noRetry({ name: 'nap', type: 'delay', config: { delayMs: 5000 }, timeoutMs: 10_000 })] });
    const started = Date.now();
    const run = await runFlow(t, owner, teamId, flowId, { parameters: { timeoutMs: 1000 } });
    const done = await waitForExecution(t, owner, teamId, run.id, 10_000);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('execution exceeded its time budget of 1 s');
    expect(Date.now() - started).toBeLessThan(4000);

    const raised = await t.http.post(`${API}/teams/${teamId}/flows/run`).set(owner.auth).send({ flowId, parameters: { timeoutMs: 3_600_001 } });
    expect(raised.status).toBe(400);
    expect(raised.body.details.problems[0]).toMatchObject({ field: 'parameters.timeoutMs', message: expect.stringContaining('not raise it') });
  });

  it('refuses a per-second cron, naming the cron field', async () => {
    const flowId = await createFlow(t, owner, teamId, { name: 'scheduled', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 1 } })] });
    const suite = await createSuite(t, owner, teamId, { name: 'nightly', entries: [{ flowId }] });
    const res = await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(owner.auth).send({ cron: '* * * * * *' });
    expect(res.status).toBe(400);
    expect(res.body.details.problems).toEqual([{ field: 'cron', message: expect.stringMatching(/fires every 1 s .*at most once every 60 s/) }]);
    await t.http.put(`${API}/teams/${teamId}/suites/${suite.id}/schedule`).set(owner.auth).send({ cron: '*/5 * * * *' }).expect(200);
  });

  it('answers 429 with Retry-After once the team started its runs for the minute; other teams are not affected', async () => {
    const other = await createTeam(t, owner, orgId, 'rate other');
    const otherFlow = await createFlow(t, owner, other, { name: 'other', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 1 } })] });
    const rateTeam = await createTeam(t, owner, orgId, 'rate team');
    const flowId = await createFlow(t, owner, rateTeam, { name: 'rated', steps: [noRetry({ name: 'tick', type: 'delay', config: { delayMs: 1 } })] });
    const suite = await createSuite(t, owner, rateTeam, { name: 'rated suite', entries: [{ flowId }] });
    for (let i = 0; i < 7; i++) await runFlow(t, owner, rateTeam, flowId);
    await t.http.post(`${API}/teams/${rateTeam}/suites/${suite.id}/run`).set(owner.auth).send({}).expect(201); // the 8th run of the minute
    const limited = await t.http.post(`${API}/teams/${rateTeam}/flows/run`).set(owner.auth).send({ flowId });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await t.http.post(`${API}/teams/${rateTeam}/suites/${suite.id}/run`).set(owner.auth).send({})).status).toBe(429);
    await runFlow(t, owner, other, otherFlow);
  });
});
