import http from 'node:http';
import * as net from 'node:net';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { addMember, API, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createResource } from './resource-helpers';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * A local HTTP target that records every request and answers with what it received (method, url,
 * headers) — a service that echoes a caller's credentials back. `/to-other` redirects to `redirectTo`.
 */
async function startEchoTarget() {
  const seen: Seen[] = [];
  let redirectTo = '';
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers });
      if (req.url!.includes('/to-other')) return void res.writeHead(302, { location: redirectTo }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    redirectTo: (url: string) => (redirectTo = url),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The "attacker": a TCP server that keeps every byte a client sends it (a Postgres startup and password, say). */
async function startRecorder() {
  const received: Buffer[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    // Postgres would ask for a cleartext password: 'R', length 8, AuthenticationCleartextPassword (3).
    socket.once('data', () => socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    text: () => Buffer.concat(received).toString('latin1'),
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * Issue #14 item 5: a resource's credentials go only to its own endpoint, stored step results and
 * errors never carry them, re-pointing a resource needs its secrets again, and an http resource's
 * secret headers and base-URL tokens are stored encrypted and never returned.
 */
describe('resource secrets stay where they belong', () => {
  let t: TestApp;
  let owner: TestUser;
  let viewer: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startEchoTarget>>;
  let other: Awaited<ReturnType<typeof startEchoTarget>>;
  let attacker: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    [target, other, attacker] = await Promise.all([startEchoTarget(), startEchoTarget(), startRecorder()]);
    // The sql resource here is the machine's shared Postgres as `postgres`: this file is about where
    // secrets go, not about which accounts or addresses are allowed (sql-privileged-accounts and
    // egress-policy test those), so both protections are opted out of explicitly.
    t = await startTestApp('resource_secrets', { env: { SQL_ALLOW_PRIVILEGED: 'true', EGRESS_ALLOW_CONTROL_PLANE: 'true' } });
    ({ user: owner, teamId } = await ownerWithTeam(t, 'secrets-owner'));
    viewer = await registerUser(t, 'secrets-viewer');
    await addMember(t, owner, teamId, viewer, 'viewer');
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([target?.close(), other?.close(), attacker?.close()]);
  });

  const post = (path: string, body: object) => t.http.post(`${API}/teams/${teamId}${path}`).set(owner.auth).send(body);
  const patch = (path: string, body: object) => t.http.patch(`${API}/teams/${teamId}${path}`).set(owner.auth).send(body);

  /** Runs the steps as one flow and returns the execution as the viewer reads it. */
  async function run(name: string, steps: Array<Record<string, unknown>>): Promise<any> {
    const flowId = await createFlow(t, owner, teamId, { name, steps: steps.map(noRetry) });
    return waitForExecution(t, viewer, teamId, (await runFlow(t, owner, teamId, flowId)).id);
  }

  describe('re-pointing a resource needs its secrets again', () => {
    const PASSWORD = 'stored-pg-password-5f1e';
    let sqlId: string;
    const sqlConfig = (port: number) => ({ engine: 'postgres', host: '127.0.0.1', port, database: 'postgres', user: 'postgres' });

    beforeAll(async () => {
      sqlId = await createResource(t, owner, teamId, { name: 'orders-db', type: 'sql', config: { ...sqlConfig(5432), password: PASSWORD } });
    });

    it('a connection test at another address with the stored password is refused before anything is sent', async () => {
      const res = await post('/resources/test', { resourceId: sqlId, type: 'sql', config: sqlConfig(attacker.port) });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('config.password');
      expect(JSON.stringify(res.body)).toContain('the address changed (port); send the password again');
      expect(attacker.connections).toBe(0);
    });

    it('with the password entered again the test runs there', async () => {
      const res = await post('/resources/test', { resourceId: sqlId, type: 'sql', config: { ...sqlConfig(attacker.port), password: 'typed-again-9d2c' } });
      expect(res.status).toBe(200);
      expect(attacker.connections).toBeGreaterThan(0);
      expect(attacker.text()).not.toContain(PASSWORD);
    });

    it('at the same address the stored password is still used (test and update)', async () => {
      const res = await post('/resources/test', { resourceId: sqlId, type: 'sql', config: { ...sqlConfig(5432), poolSize: 2 } });
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(true);
      await patch(`/resources/${sqlId}`, { config: { ...sqlConfig(5432), poolSize: 3 } }).expect(200);
    });

    it('an update of host or port without the password is a 400 naming it; with it, it is saved', async () => {
      const res = await patch(`/resources/${sqlId}`, { config: { ...sqlConfig(5432), host: 'localhost' } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('the address changed (host); send the password again');
      const saved = await patch(`/resources/${sqlId}`, { config: { ...sqlConfig(attacker.port), password: 'new-one-for-new-host' } }).expect(200);
      expect(saved.body.secrets).toEqual({ password: true });
    });

    it('an http resource moved to another origin must send its token again; a new path on the same origin need not', async () => {
      const id = await createResource(t, owner, teamId, { name: 'repoint-http', type: 'http', config: { baseUrl: `${target.url}/v1`, auth: { type: 'bearer', token: 'repoint-token-77' } } });
      const moved = await patch(`/resources/${id}`, { config: { baseUrl: `${other.url}/v1`, auth: { type: 'bearer' } } });
      expect(moved.status).toBe(400);
      expect(JSON.stringify(moved.body)).toContain('config.auth.token');
      await patch(`/resources/${id}`, { config: { baseUrl: `${target.url}/v2`, auth: { type: 'bearer' } } }).expect(200);
    });
  });

  describe('http step: credentials only to the resource origin, redacted from what is stored', () => {
    const TOKEN = 'bearer-token-3a9f7c21';
    let resourceId: string;

    beforeAll(async () => {
      resourceId = await createResource(t, owner, teamId, {
        name: 'echo-api',
        type: 'http',
        config: { baseUrl: target.url, headers: { 'X-Team': 'qa' }, auth: { type: 'bearer', token: TOKEN } },
      });
    });

    it('a relative URL gets the resource auth and headers; an absolute URL on another port gets none', async () => {
      const execution = await run('origins', [
        { name: 'relative', type: 'http', config: { resourceId, url: '/echo/relative' } },
        { name: 'elsewhere', type: 'http', config: { resourceId, url: `${other.url}/echo/elsewhere` } },
      ]);
      expect(execution.status).toBe('COMPLETED');
      const relative = target.seen.find((s) => s.url === '/echo/relative')!;
      expect(relative.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(relative.headers['x-team']).toBe('qa');
      const elsewhere = other.seen.find((s) => s.url === '/echo/elsewhere')!;
      expect(elsewhere.headers.authorization).toBeUndefined();
      expect(elsewhere.headers['x-team']).toBeUndefined();
    });

    it('a stored response that echoes the token shows [REDACTED]; a later step still uses the value', async () => {
      const execution = await run('echoed', [
        { name: 'first', type: 'http', config: { resourceId, url: '/echo/first' } },
        { name: 'second', type: 'http', config: { url: `${other.url}/echo/second`, headers: { 'X-Copied': '${first.response.body.headers.authorization}' } } },
      ]);
      expect(execution.status).toBe('COMPLETED');
      const stored = JSON.stringify(execution);
      expect(stored).not.toContain(TOKEN);
      expect(execution.steps[0].response.body.headers.authorization).toBe('Bearer [REDACTED]');
      // The value lives on in the worker's memory: the second step (no resource) sent it on, and its
      // stored request and response are redacted with the execution's secrets too.
      expect(other.seen.find((s) => s.url === '/echo/second')!.headers['x-copied']).toBe(`Bearer ${TOKEN}`);
    });

    it('an assertion failing on the echoed token stores a redacted error and assertion result', async () => {
      const execution = await run('assert-echo', [
        {
          name: 'check',
          type: 'http',
          config: { resourceId, url: '/echo/check' },
          assertions: [{ path: 'body.headers.authorization', operator: 'equals', expected: 'Bearer something-else' }],
        },
      ]);
      expect(execution.status).toBe('FAILED');
      expect(execution.steps[0].error).toContain('[REDACTED]');
      expect(JSON.stringify(execution)).not.toContain(TOKEN);
    });
  });

  describe('http resource: secret headers and base-URL tokens', () => {
    const values = { cookie: 'session=cookie-secret-811', apiKey: 'x-api-key-secret-422', trace: 'trace-secret-933', urlToken: 'url-token-secret-644' };
    let id: string;

    beforeAll(async () => {
      id = await createResource(t, owner, teamId, {
        name: 'secret-headers',
        type: 'http',
        config: {
          baseUrl: `${target.url}/api?token=${values.urlToken}&v=2`,
          headers: { Cookie: values.cookie, 'X-Api-Key': values.apiKey, 'X-Trace-Token': values.trace, Accept: 'application/json' },
          secretHeaders: ['x-trace-token'],
        },
      });
    });

    const noValues = (text: string) => Object.values(values).forEach((v) => expect(text).not.toContain(v));

    it('never returns the values: headers and the URL token show ***, secrets say they are set', async () => {
      const res = await t.http.get(`${API}/teams/${teamId}/resources/${id}`).set(viewer.auth).expect(200);
      noValues(res.text);
      expect(res.body.config.headers).toEqual({ Cookie: '***', 'X-Api-Key': '***', 'X-Trace-Token': '***', Accept: 'application/json' });
      expect(res.body.config.baseUrl).toBe(`${target.url}/api?token=***&v=2`);
      expect(res.body.secrets).toMatchObject({ baseUrl: true, 'headers.Cookie': true, 'headers.X-Api-Key': true, 'headers.X-Trace-Token': true });
      noValues((await t.http.get(`${API}/teams/${teamId}/resources`).set(viewer.auth).expect(200)).text);
    });

    it('the step sends them to the resource origin; a redirect to another origin drops the secret headers', async () => {
      other.redirectTo(`${other.url}/echo/redirected`);
      target.redirectTo(`${other.url}/echo/redirected`);
      const execution = await run('secret-headers', [
        { name: 'direct', type: 'http', config: { resourceId: id, url: '/echo/direct' } },
        { name: 'redirect', type: 'http', config: { resourceId: id, url: '/to-other' } },
      ]);
      expect(execution.status).toBe('COMPLETED');
      const direct = target.seen.find((s) => s.url.startsWith('/api/echo/direct'))!;
      expect(direct.url).toBe(`/api/echo/direct?token=${values.urlToken}&v=2`);
      expect(direct.headers).toMatchObject({ cookie: values.cookie, 'x-api-key': values.apiKey, 'x-trace-token': values.trace });
      const redirected = other.seen.find((s) => s.url === '/echo/redirected')!;
      noValues(JSON.stringify(redirected.headers));
      noValues(JSON.stringify(execution));
    });

    it('a connection test redirected to another host does not carry the secret headers there', async () => {
      const probe = await createResource(t, owner, teamId, {
        name: 'redirecting',
        type: 'http',
        config: { baseUrl: `${target.url}/to-other`, headers: { 'X-Api-Key': values.apiKey, 'X-Trace-Token': values.trace }, secretHeaders: ['X-Trace-Token'] },
      });
      target.redirectTo(`${other.url}/echo/probe-redirected`);
      const res = await post(`/resources/${probe}/test`, {});
      expect(res.status).toBe(200);
      const redirected = other.seen.filter((s) => s.url === '/echo/probe-redirected');
      expect(redirected.length).toBeGreaterThan(0);
      redirected.forEach((s) => noValues(JSON.stringify(s.headers)));
    });

    it('sending the returned config back keeps the stored values', async () => {
      const current = (await t.http.get(`${API}/teams/${teamId}/resources/${id}`).set(owner.auth).expect(200)).body;
      const updated = await patch(`/resources/${id}`, { description: 'edited', config: current.config }).expect(200);
      noValues(updated.text);
      await run('after-edit', [{ name: 'again', type: 'http', config: { resourceId: id, url: '/echo/again' } }]);
      const again = target.seen.find((s) => s.url.startsWith('/api/echo/again'))!;
      expect(again.url).toContain(`token=${values.urlToken}`);
      expect(again.headers).toMatchObject({ cookie: values.cookie, 'x-api-key': values.apiKey, 'x-trace-token': values.trace });
    });
  });
});
