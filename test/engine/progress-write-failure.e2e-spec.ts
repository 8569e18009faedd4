import { Client } from 'pg';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Step transitions are written behind the run (ProgressLane). When one cannot be stored for good (not
 * a dropped connection, which is retried: see the postgres-kill drill), the run must not go on and end
 * COMPLETED as if its steps were recorded: it stops and ends FAILED, saying why.
 */
describe('a step transition that cannot be stored', () => {
  let t: TestApp;
  let db: Client;
  let user: TestUser;
  let teamId: string;

  beforeAll(async () => {
    t = await startTestApp('progress-failure');
    ({ user, teamId } = await ownerWithTeam(t, 'progress-failure'));
    db = new Client({ connectionString: t.config.DATABASE_URL });
    await db.connect();
    // Refuses to record a successful outcome of a step named "refused" — a permanent failure of the batch.
    await db.query(`
      CREATE FUNCTION refuse_step() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$;
      CREATE TRIGGER refuse_step BEFORE UPDATE ON execution_steps FOR EACH ROW
        WHEN (NEW.name = 'refused' AND NEW.status = 'SUCCESS') EXECUTE FUNCTION refuse_step();`);
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('stops the run and ends it FAILED with the storage error; the refused step is not reported as done', async () => {
    const delay = (name: string) => noRetry({ name, type: 'delay', config: { delayMs: 150 } });
    const flowId = await createFlow(t, user, teamId, { name: 'unstorable', steps: [delay('refused'), delay('second'), delay('third'), delay('fourth')] });
    const done = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);

    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(/^internal error: step progress could not be stored: .*refused by the test trigger/);
    const byName = Object.fromEntries(done.steps.map((s: { name: string; status: string }) => [s.name, s.status]));
    expect(byName.refused).toBe('SKIPPED'); // its SUCCESS was never stored, so it cannot say SUCCESS
    expect(byName.fourth).toBe('SKIPPED'); // the run stopped instead of going on to the end
  });
});
