import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A tenant's regex must not stall the shared process: `^(a+)+$` against "aaa…a!" takes exponential
 * time on a backtracking engine (14 s for 29 characters before the linear-time engine).
 */
describe('user regexes run in linear time', () => {
  let t: TestApp;
  let owner: { user: TestUser; teamId: string };
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  const hostileBody = `${'a'.repeat(100_000)}!`;

  beforeAll(async () => {
    t = await startTestApp('regex-safety');
    owner = await ownerWithTeam(t, 'regex');
    target = await startHttpTarget({
      'GET /text': (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(hostileBody);
      },
      'GET /json': (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: hostileBody }));
      },
    });
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  it('evaluates a catastrophic pattern on a 100,001-character body quickly while the process keeps answering', async () => {
    const flowId = await createFlow(t, owner.user, owner.teamId, {
      name: 'catastrophic regex',
      steps: [
        noRetry({
          name: 'fetch',
          type: 'http',
          config: { url: `${target.url}/text` },
          assertions: [{ path: 'body', operator: 'matches', expected: '^(a+)+$' }],
        }),
      ],
    });

    // Poll liveness for the whole run: a stalled event loop shows up as a long gap between answers.
    let running = true;
    let longestGapMs = 0;
    let answers = 0;
    const poller = (async () => {
      let last = Date.now();
      while (running) {
        const res = await fetch(`${t.url}/health/live`);
        expect(res.status).toBe(200);
        answers++;
        const now = Date.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const done = await waitForExecution(t, owner.user, owner.teamId, run.id, 20_000);
    running = false;
    await poller;

    expect(done.status).toBe('FAILED');
    const [step] = done.steps;
    expect(step.assertions).toEqual([
      expect.objectContaining({ path: 'body', operator: 'matches', passed: false, message: expect.stringMatching(/^body: expected to match \/\^\(a\+\)\+\$\/ but was /) }),
    ]);
    // Generous bounds: on the backtracking engine this step never finishes and no answer comes.
    expect(step.durationMs).toBeLessThan(1_000);
    expect(answers).toBeGreaterThan(1);
    expect(longestGapMs).toBeLessThan(1_000);
  });

  it('refuses a backreference at save time, naming the assertion', async () => {
    const res = await t.http
      .post(`${API}/teams/${owner.teamId}/flows`)
      .set(owner.user.auth)
      .send({
        name: 'backreference',
        steps: [
          noRetry({ name: 'one', type: 'delay', config: { delayMs: 1 } }),
          noRetry({
            name: 'fetch',
            type: 'http',
            config: { url: `${target.url}/text` },
            assertions: [
              { path: 'status', operator: 'equals', expected: 200 },
              { path: 'body', operator: 'matches', expected: '(a)\\1' },
            ],
          }),
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.details.problems).toEqual([
      {
        field: '/steps/1/assertions/1/expected',
        pointer: '/steps/1/assertions/1/expected',
        message: expect.stringMatching(/backreferences .* not supported by the linear-time regex engine/),
      },
    ]);
  });

  it('reports a pattern that only becomes invalid after substitution as the step failure, naming it', async () => {
    const flowId = await createFlow(t, owner.user, owner.teamId, {
      name: 'lookahead at run time',
      variables: [{ name: 'pattern', type: 'string', default: 'a(?=b)' }],
      steps: [
        noRetry({
          name: 'fetch',
          type: 'http',
          config: { url: `${target.url}/text` },
          assertions: [{ path: 'body', operator: 'matches', expected: '${pattern}' }],
        }),
      ],
    });
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const done = await waitForExecution(t, owner.user, owner.teamId, run.id);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0].assertions[0]).toMatchObject({
      passed: false,
      message: expect.stringMatching(/^body: invalid matches assertion: .*\/a\(\?=b\)\/ \(lookahead and lookbehind .* not supported by the linear-time regex engine\)$/),
    });
  });

  it('refuses a regex inside a JSONPath filter instead of running it on the backtracking engine', async () => {
    const path = '$.body[?(@.match(/^(a+)+$/))]';
    const flowId = await createFlow(t, owner.user, owner.teamId, {
      name: 'regex in a JSONPath filter',
      steps: [noRetry({ name: 'fetch', type: 'http', config: { url: `${target.url}/json` }, assertions: [{ path, operator: 'exists' }] })],
    });
    const run = await runFlow(t, owner.user, owner.teamId, flowId);
    const done = await waitForExecution(t, owner.user, owner.teamId, run.id, 20_000);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0].assertions[0]).toMatchObject({
      passed: false,
      message: expect.stringContaining('the regular expression /^(a+)+$/ is not allowed in a JSONPath filter'),
    });
  });
});
