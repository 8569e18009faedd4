import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closedPort } from '../support/closed-port';
import { json, startHttpTarget } from '../support/http-target';
import { API, createApiKey, ownerWithTeam, PASSWORD } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

const CLI = resolve(__dirname, '../../dist/src/cli/main.js');
const XSD = resolve(__dirname, '../suites/fixtures/junit.xsd');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('ats CLI (built, against the real app)', () => {
  let t: TestApp;
  let target: Awaited<ReturnType<typeof startHttpTarget>>;
  let home: string;
  let work: string;
  let owner: Awaited<ReturnType<typeof ownerWithTeam>>;
  let apiKey: string;

  /** Runs the built CLI with HOME/XDG_CONFIG_HOME in a temp dir and no ATS_* from the outer shell. */
  function ats(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
    return new Promise((done) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...options.env }, timeout: 60_000 },
        (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
      child.stdin?.end(options.input ?? '');
    });
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx nest build (npm run test:all builds first)`);
    t = await startTestApp('cli');
    target = await startHttpTarget({
      'GET /ok': (_req, _body, res) => json(res, 200, { ok: true }),
      'GET /broken': (_req, _body, res) => json(res, 500, { ok: false }),
    });
    owner = await ownerWithTeam(t, 'cli');
    apiKey = await createApiKey(t, owner.user, owner.teamId, 'editor');
    home = mkdtempSync(join(tmpdir(), 'ats-cli-home-'));
    work = mkdtempSync(join(tmpdir(), 'ats-cli-work-'));
  });

  afterAll(async () => {
    await target?.close();
    await t?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const flowYaml = (name: string, path: string, status = 200) => `name: ${name}
description: calls ${path}
steps:
  - name: call
    type: http
    config:
      method: GET
      url: ${target.url}${path}
    assertions:
      - path: status
        operator: equals
        expected: ${status}
`;

  it('logs in with email/password from stdin and with an API key; the config file is 0600', async () => {
    const login = await ats(['login', t.url, '--email', owner.user.email, '--password-stdin'], { input: `${PASSWORD}\n` });
    expect(login).toMatchObject({ code: 0 });
    expect(login.stdout).toContain('cli team');
    const config = join(home, '.config', 'ats', 'config.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.config', 'ats')).mode & 0o777).toBe(0o700);
    const teams = await ats(['teams']);
    expect(teams.code).toBe(0);
    expect(teams.stdout).toContain(owner.teamId);

    const keyLogin = await ats(['login', t.url, '--api-key', apiKey, '--profile', 'ci']);
    expect(keyLogin.code).toBe(0);
    const stored = JSON.parse(readFileSync(config, 'utf8'));
    expect(stored.profiles.ci).toMatchObject({ apiKey, team: owner.teamId });
    expect(stored.profiles.default.refreshToken).toEqual(expect.any(String));
  });

  it('pushes a directory: an invalid file is exit 2 with file:line problems and nothing pushed; then unchanged pushes make no version', async () => {
    const dir = join(work, 'flows');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-ok.yaml'), flowYaml('Passing flow', '/ok'));
    writeFileSync(join(dir, 'b-broken.yaml'), flowYaml('Failing flow', '/broken'));
    writeFileSync(
      join(dir, 'c-invalid.yaml'),
      `name: Invalid flow
steps:
  - name: call
    type: http
    config:
      method: GET
      url: \${missing.response.body}
`,
    );
    const bad = await ats(['flows', 'push', 'flows', '--profile', 'ci']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/flows\/c-invalid\.yaml:7:\d+: \/steps\/0\/config\/url .*missing/);
    const none = await t.http.get(`${API}/teams/${owner.teamId}/flows`).set(owner.user.auth).expect(200);
    expect(none.body.total).toBe(0);

    const validate = await ats(['validate', 'flows', '--profile', 'ci']);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('flows/c-invalid.yaml:7:');

    writeFileSync(join(dir, 'c-invalid.yaml'), flowYaml('Fixed flow', '/ok'));
    const first = await ats(['flows', 'push', 'flows', '--profile', 'ci']);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('3 created');

    const again = await ats(['flows', 'push', 'flows', '--profile', 'ci']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('3 unchanged');
    const flows = await t.http.get(`${API}/teams/${owner.teamId}/flows`).set(owner.user.auth).expect(200);
    expect(flows.body.items.map((f: { version: number }) => f.version)).toEqual([1, 1, 1]);

    writeFileSync(join(dir, 'a-ok.yaml'), flowYaml('Passing flow', '/ok').replace('calls /ok', 'calls /ok again').replace('expected: 200', 'expected: 200\n      - path: body.ok\n        operator: equals\n        expected: true'));
    const dry = await ats(['flows', 'push', 'flows', '--dry-run', '--profile', 'ci']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('~ update');
    expect(dry.stdout).toContain('description');
    const changed = await ats(['flows', 'push', 'flows', '--profile', 'ci']);
    expect(changed.stdout).toMatch(/Passing flow .*v1 → v2/);
  });

  it('runs a flow live with --junit (valid XML, exit 0) and a failing one (exit 1, expected vs actual)', async () => {
    const passed = await ats(['run', 'Passing flow', '--wait', '--junit', 'out.xml', '--json', 'out.json']);
    expect(passed).toMatchObject({ code: 0 });
    expect(passed.stdout).toMatch(/✓ \[1\] call {2}SUCCESS {2}\d+ms {2}1 attempt/);
    expect(passed.stdout).toContain('Passing flow COMPLETED');
    const xml = join(work, 'out.xml');
    const lint = spawnSync('xmllint', ['--noout', '--schema', XSD, xml], { encoding: 'utf8' });
    expect(lint.stderr).toContain('validates');
    expect(lint.status).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'))).toMatchObject({ format: 'ats.execution-report', execution: { status: 'COMPLETED' } });

    const failed = await ats(['run', 'Failing flow', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/✗ \[1\] call {2}ERROR/);
    expect(failed.stdout).toMatch(/assertion failed status equals: expected 200, actual 500/);
    expect(failed.stdout).toContain('Failing flow FAILED');
  });

  it('runs a flow file (pushed first) and prints JSON with --output json', async () => {
    writeFileSync(join(work, 'single.yaml'), flowYaml('From file', '/ok'));
    const result = await ats(['run', 'single.yaml', '--wait', '--output', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ flowName: 'From file', status: 'COMPLETED' });
  });

  it('runs a flow once per row of a --data file, follows every run, and exits 1 when one row fails', async () => {
    writeFileSync(
      join(work, 'data-flow.yaml'),
      `name: Data flow
variables:
  - name: path
    type: string
    required: true
steps:
  - name: call
    type: http
    config:
      method: GET
      url: ${target.url}\${path}
    assertions:
      - path: status
        operator: equals
        expected: 200
`,
    );
    writeFileSync(join(work, 'rows-ok.json'), JSON.stringify([{ path: '/ok' }, { path: '/ok' }]));
    const ok = await ats(['run', 'data-flow.yaml', '--data', 'rows-ok.json', '--wait']);
    expect(ok.stdout).toContain('row 2/2');
    expect(ok.stdout).toContain('Data flow: 2 of 2 runs completed');
    expect(ok.code).toBe(0);

    writeFileSync(join(work, 'rows-mixed.json'), JSON.stringify([{ path: '/ok' }, { path: '/broken' }]));
    const mixed = await ats(['run', 'Data flow', '--data', 'rows-mixed.json', '--wait']);
    expect(mixed.stdout).toContain('Data flow: 1 of 2 runs completed');
    expect(mixed.stdout).toContain('row 2: FAILED');
    expect(mixed.code).toBe(1);

    const queued = await ats(['run', 'Data flow', '--data', 'rows-ok.json', '--output', 'json']);
    expect(queued.code).toBe(0);
    expect(JSON.parse(queued.stdout).map((e: { variables: { path: string } }) => e.variables.path)).toEqual(['/ok', '/ok']);

    writeFileSync(join(work, 'rows-bad.json'), JSON.stringify([{ path: '/ok' }, 'not a row']));
    const bad = await ats(['run', 'Data flow', '--data', 'rows-bad.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('row 2 is not an object of variables');
    const withReport = await ats(['run', 'Data flow', '--data', 'rows-ok.json', '--junit', 'x.xml']);
    expect(withReport.code).toBe(2);
    expect(withReport.stderr).toContain('leave them out with --data');
  });

  it('runs a suite with --junit and lists executions', async () => {
    const flows = await t.http.get(`${API}/teams/${owner.teamId}/flows`).set(owner.user.auth).expect(200);
    const passing = flows.body.items.find((f: { name: string }) => f.name === 'Passing flow');
    await t.http
      .post(`${API}/teams/${owner.teamId}/suites`)
      .set(owner.user.auth)
      .send({ name: 'Smoke', entries: [{ flowId: passing.id }] })
      .expect(201);
    const suite = await ats(['suite', 'run', 'Smoke', '--junit', 'suite.xml'], { env: { ATS_URL: t.url, ATS_API_KEY: apiKey, ATS_TEAM: 'cli team' } });
    expect(suite).toMatchObject({ code: 0 });
    expect(suite.stdout).toContain('Passing flow');
    const lint = spawnSync('xmllint', ['--noout', '--schema', XSD, join(work, 'suite.xml')], { encoding: 'utf8' });
    expect(lint.status).toBe(0);

    const list = await ats(['executions', 'list', '--flow', 'Passing flow']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('COMPLETED');
  });

  it('imports an OpenAPI document: --dry-run lists the flows, then they are created and a second import skips them', async () => {
    const fixture = join(__dirname, '../../src/flows/import/openapi/fixtures/orders-openapi3.yaml');
    const env = { ATS_URL: t.url, ATS_API_KEY: apiKey, ATS_TEAM: 'cli team' };
    const dry = await ats(['import', 'openapi', fixture, '--group-by', 'tag', '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('GET ${baseUrl}/orders');
    expect(dry.stdout).toMatch(/nothing saved/);
    const before = (await t.http.get(`${API}/teams/${owner.teamId}/flows`).set(owner.user.auth).expect(200)).body.total;

    const created = await ats(['import', 'openapi', fixture, '--group-by', 'tag'], { env });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created +orders/);
    const after = (await t.http.get(`${API}/teams/${owner.teamId}/flows`).set(owner.user.auth).expect(200)).body.total;
    expect(after).toBeGreaterThan(before);

    const again = await ats(['import', 'openapi', fixture, '--group-by', 'tag'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/skipped +orders/);
    const missing = await ats(['import', 'openapi', join(work, 'no-such.yaml')], { env });
    expect(missing.code).toBe(2);
  });

  it('imports an OpenAPI document from a URL, and refuses one larger than the service accepts without reading it all', async () => {
    const env = { ATS_URL: t.url, ATS_API_KEY: apiKey, ATS_TEAM: 'cli team' };
    // The service's own OpenAPI document, fetched by the CLI on the user's side.
    const own = await ats(['import', 'openapi', `${t.url}/docs-json`, '--dry-run'], { env });
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/nothing saved/);

    let sent = 0;
    const huge = await startHttpTarget({
      'GET /huge.json': (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        // Up to 64 MB, stopped as soon as the client goes away.
        const pump = () => {
          while (sent < 64 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      },
    });
    try {
      const refused = await ats(['import', 'openapi', `${huge.url}/huge.json`, '--dry-run'], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('is larger than 2097152 bytes');
      expect(sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      await huge.close();
    }
  });

  it('exits 3 when the service is down and 2 without a login', async () => {
    const down = await ats(['teams', '--url', `http://127.0.0.1:${await closedPort()}`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('connection refused');
    const noLogin = await ats(['teams', '--profile', 'nobody', '--url', t.url]);
    expect(noLogin.code).toBe(2);
    expect(noLogin.stderr).toContain('not logged in');
  });
});
