import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { json, startHttpTarget } from '../support/http-target';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { xmllint } from '../support/junit-xmllint';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSuite, runSuite, waitForSuiteRun } from './suite-helpers';

describe('suite and execution reports (JUnit XML validated against the JUnit XSD, JSON)', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let flows: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp('suite-reports');
    ({ user, teamId } = await ownerWithTeam(t, 'reports'));
    target = await startHttpTarget({
      'GET /ok': (_req, _b, res) => json(res, 200, { ok: true }),
      'POST /orders': (_req, _b, res) => json(res, 500, { error: 'database <down> & "out"' }),
    });
    const step = (name: string, config: Record<string, unknown>, assertions: unknown[] = []) => noRetry({ name, type: 'http', config, assertions });
    flows = {
      pass: await createFlow(t, user, teamId, { name: 'Passing <flow> & "co"', steps: [step('get', { url: `${target.url}/ok` }, [{ path: 'status', operator: 'equals', expected: 200 }])] }),
      assertion: await createFlow(t, user, teamId, {
        name: 'Order creation',
        steps: [
          step('list', { url: `${target.url}/ok` }),
          step('createOrder', { url: `${target.url}/orders`, method: 'POST', body: { sku: 'A-1' } }, [
            { path: 'status', operator: 'equals', expected: 201 },
            { path: 'body.error', operator: 'notContains', expected: '<down>' },
          ]),
        ],
      }),
      // Nothing listens on port 1: the step errors without any assertion result.
      error: await createFlow(t, user, teamId, { name: "Refused ']]>' flow", steps: [step('connect', { url: 'http://127.0.0.1:1/nowhere' })] }),
    };
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('has xmllint and a schema that rejects a malformed report', () => {
    expect(xmllint('<testsuites><testsuite name="x" tests="one" failures="0" errors="0" time="1"/></testsuites>').valid).toBe(false);
    expect(xmllint('<testsuites><testsuite name="x" tests="1" failures="0" errors="0" time="0.1"><testcase name="a" classname="b" time="0.1"/></testsuite></testsuites>').valid).toBe(true);
  });

  it('reports a suite run as valid JUnit: one testcase per execution, failure with step and actual vs expected, error, skipped', async () => {
    const suite = await createSuite(t, user, teamId, {
      name: 'Checkout <nightly> & "friends"',
      mode: 'sequential',
      failFast: true,
      entries: [{ flowId: flows.pass }, { flowId: flows.error }, { flowId: flows.pass }],
    });
    const failFastRun = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, suite.id)).id);
    const failFastXml = await t.http.get(`${API}/teams/${teamId}/suite-runs/${failFastRun.id}/report.xml`).set(user.auth).expect(200);
    expect(failFastXml.headers['content-type']).toContain('application/xml');
    expect(xmllint(failFastXml.text)).toEqual({ valid: true, output: '' });
    expect(failFastXml.text).toContain('tests="3" failures="0" errors="1" skipped="1"');
    expect(failFastXml.text).toMatch(/<testcase name="Refused &apos;]]&gt;&apos; flow" classname="Checkout &lt;nightly&gt; &amp; &quot;friends&quot;" time="[0-9.]+">\n\s+<error message="step &quot;connect&quot; \(http\): [^"]+" type="StepError">/);
    expect(failFastXml.text).toContain('<skipped message="not run to the end: fail-fast: &quot;Refused &apos;]]&gt;&apos; flow&quot; failed"/>');

    const parallel = await createSuite(t, user, teamId, { name: 'Parallel report', entries: [{ flowId: flows.pass }, { flowId: flows.assertion }, { flowId: flows.pass }] });
    const run = await waitForSuiteRun(t, user, teamId, (await runSuite(t, user, teamId, parallel.id)).id);
    const xml = (await t.http.get(`${API}/teams/${teamId}/suite-runs/${run.id}/report.xml`).set(user.auth).expect(200)).text;
    expect(xmllint(xml)).toEqual({ valid: true, output: '' });
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="Parallel report" tests="3" failures="1" errors="0" skipped="0"');
    // A flow listed twice gets its position in the test name.
    expect(xml).toContain('name="Passing &lt;flow&gt; &amp; &quot;co&quot; (#1)"');
    expect(xml).toContain('name="Passing &lt;flow&gt; &amp; &quot;co&quot; (#3)"');
    expect(xml).toContain('<failure message="step &quot;createOrder&quot; (http): status: expected 201 but was 500; body.error:');
    expect(xml).toContain('type="AssertionFailed">');
    expect(xml).toContain('step: #2 &quot;createOrder&quot; (http)'.replace(/&quot;/g, '"'));
    expect(xml).toContain('assertion: status equals\n  expected: 201\n  actual:   500');
    expect(xml).toContain('actual:   "database &lt;down&gt; &amp; \\"out\\""');
    expect(xml).toContain(`<property name="suiteRunId" value="${run.id}"/>`);

    const report = (await t.http.get(`${API}/teams/${teamId}/suite-runs/${run.id}/report.json`).set(user.auth).expect(200)).body;
    expect(report).toMatchObject({ format: 'ats.suite-run-report', formatVersion: 1, suiteRun: { id: run.id, status: 'FAILED', counts: { passed: 2, failed: 1 } } });
    expect(report.executions.map((e: any) => [e.position, e.status])).toEqual([[0, 'COMPLETED'], [1, 'FAILED'], [2, 'COMPLETED']]);
    expect(report.executions[1].failure).toMatchObject({
      kind: 'assertion',
      step: { index: 1, name: 'createOrder', type: 'http' },
      assertions: [
        { path: 'status', operator: 'equals', expected: 201, actual: 500 },
        { path: 'body.error', operator: 'notContains', expected: '<down>', actual: 'database <down> & "out"' },
      ],
    });
    expect(report.executions[1].steps.map((s: any) => [s.name, s.status, s.assertionsFailed])).toEqual([['list', 'SUCCESS', 0], ['createOrder', 'ERROR', 2]]);
  });

  it('reports a single execution the same way', async () => {
    const execution = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flows.assertion)).id);
    const xml = (await t.http.get(`${API}/teams/${teamId}/executions/${execution.id}/report.xml`).set(user.auth).expect(200)).text;
    expect(xmllint(xml)).toEqual({ valid: true, output: '' });
    expect(xml).toContain('<testsuite name="Order creation" tests="1" failures="1" errors="0" skipped="0"');
    const report = (await t.http.get(`${API}/teams/${teamId}/executions/${execution.id}/report.json`).set(user.auth).expect(200)).body;
    expect(report).toMatchObject({ format: 'ats.execution-report', execution: { executionId: execution.id, status: 'FAILED', failure: { kind: 'assertion', step: { name: 'createOrder' } } } });
    const passing = await waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flows.pass)).id);
    const passXml = (await t.http.get(`${API}/teams/${teamId}/executions/${passing.id}/report.xml`).set(user.auth).expect(200)).text;
    expect(xmllint(passXml)).toEqual({ valid: true, output: '' });
    expect(passXml).toContain('tests="1" failures="0" errors="0" skipped="0"');
    const other = await ownerWithTeam(t, 'reports-other');
    expect((await t.http.get(`${API}/teams/${other.teamId}/executions/${execution.id}/report.xml`).set(other.user.auth)).status).toBe(404);
  });
});
