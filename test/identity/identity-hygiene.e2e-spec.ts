import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createFlow, noRetry, runFlow } from '../support/flow-helpers';
import { addMember, API, createApiKey, ownerWithTeam, PASSWORD, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Findings of a hostile-tenant probe of the identity module (issue #14, item 6): API keys outliving
 * their creator's access, live streams outliving a membership, account enumeration through register,
 * a limiter keyed on a spoofable or wrong IP, 500s on malformed token ids, access tokens without a
 * bounded age, and development secrets accepted without an explicit development environment.
 */
describe('identity hygiene', () => {
  let t: TestApp;
  let owner: { user: TestUser; orgId: string; teamId: string };
  let db: Client;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp('identity_hygiene');
    owner = await ownerWithTeam(t, 'hygiene');
    db = new Client({ connectionString: t.config.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await db?.end();
    await t?.close();
  });

  const key = (secret: string) => ({ 'X-API-Key': secret });
  const teamPath = (teamId = owner.teamId) => `${API}/teams/${teamId}`;

  describe('API keys answer to the member who created them', () => {
    it('records the creator, also when a key creates a key', async () => {
      const admin = await registerUser(t, 'key-admin');
      await addMember(t, owner.user, owner.teamId, admin, 'admin');
      const byMember = await createApiKey(t, admin, owner.teamId, 'admin');
      const byKey = (await t.http.post(`${teamPath()}/api-keys`).set(key(byMember)).send({ name: 'from a key', role: 'viewer' }).expect(201)).body;
      const { rows } = await db.query('SELECT name, created_by FROM api_keys WHERE team_id = $1 ORDER BY created_at', [owner.teamId]);
      expect(rows).toEqual([
        { name: 'key-admin', created_by: admin.id },
        { name: byKey.name, created_by: admin.id },
      ]);
    });

    it('acts with at most its creator’s current role: demotion caps it, removal disables it', async () => {
      const admin = await registerUser(t, 'demoted');
      await addMember(t, owner.user, owner.teamId, admin, 'admin');
      const secret = await createApiKey(t, admin, owner.teamId, 'admin');
      await t.http.get(`${teamPath()}/api-keys`).set(key(secret)).expect(200);

      await t.http.patch(`${teamPath()}/members/${admin.id}`).set(owner.user.auth).send({ role: 'viewer' }).expect(200);
      const capped = await t.http.get(`${teamPath()}/api-keys`).set(key(secret)).expect(403);
      expect(capped.body.message).toMatch(/needs the admin role; you are viewer/);
      await t.http.post(`${teamPath()}/flows`).set(key(secret)).send({ name: 'by a capped key', steps: [] }).expect(403);
      await t.http.post(`${teamPath()}/api-keys`).set(key(secret)).send({ name: 'escalate', role: 'admin' }).expect(403);
      await t.http.get(teamPath()).set(key(secret)).expect(200);

      // Promoted back: the key has its own role again, never more than it was created with.
      await t.http.patch(`${teamPath()}/members/${admin.id}`).set(owner.user.auth).send({ role: 'owner' }).expect(200);
      await t.http.get(`${teamPath()}/api-keys`).set(key(secret)).expect(200);
      await t.http.delete(teamPath()).set(key(secret)).expect(403);
      await t.http.patch(`${teamPath()}/members/${admin.id}`).set(owner.user.auth).send({ role: 'editor' }).expect(200);

      await t.http.delete(`${teamPath()}/members/${admin.id}`).set(owner.user.auth).expect(204);
      const revoked = await t.http.get(teamPath()).set(key(secret)).expect(401);
      expect(revoked.body.message).toMatch(/API key revoked/);
    });
  });

  describe('live streams close when their user leaves the team', () => {
    let apiOnly: TestApp;
    let flowId: string;

    beforeAll(async () => {
      // A second API instance on the same database and Redis: the removal is made on `t`, the socket
      // lives on `apiOnly`, so the close must travel through Redis.
      apiOnly = await startTestApp('identity_hygiene_api', { shareWith: t, env: { APP_MODE: 'api' } });
      flowId = await createFlow(t, owner.user, owner.teamId, { name: 'long wait', steps: [noRetry({ name: 'wait', type: 'delay', config: { delayMs: 60000 } })] });
    });
    afterAll(async () => {
      await apiOnly?.close();
    });

    function connect(app: TestApp, token: string): Promise<Socket> {
      const socket = io(`${app.url}/executions`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      return new Promise((resolve, reject) => {
        socket.on('connect', () => resolve(socket));
        socket.on('connect_error', reject);
      });
    }

    /** Opens the SSE stream; resolves once the snapshot arrived, with a promise of the stream's end. */
    function openEventStream(app: TestApp, url: string, auth: Record<string, string>): Promise<{ ended: Promise<void> }> {
      return new Promise((resolve, reject) => {
        const req = http.get(`${app.url}${url}`, { headers: { ...auth, Accept: 'text/event-stream' } }, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
          const ended = new Promise<void>((done) => res.on('end', done));
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('event: snapshot')) resolve({ ended });
          });
        });
        req.on('error', reject);
      });
    }

    it('disconnects the removed member’s socket on another API instance and ends their SSE stream; others keep watching', async () => {
      const viewer = await registerUser(t, 'leaver');
      const stayer = await registerUser(t, 'stayer');
      await addMember(t, owner.user, owner.teamId, viewer, 'viewer');
      await addMember(t, owner.user, owner.teamId, stayer, 'viewer');
      const run = await runFlow(t, owner.user, owner.teamId, flowId);

      const leaving = await connect(apiOnly, viewer.accessToken);
      const staying = await connect(apiOnly, stayer.accessToken);
      expect(await leaving.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
      expect(await staying.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
      const sse = await openEventStream(t, `${teamPath()}/executions/${run.id}/events`, viewer.auth);
      const errors: unknown[] = [];
      leaving.on('error', (e) => errors.push(e));
      const disconnected = new Promise<string>((resolve) => leaving.on('disconnect', resolve));

      await t.http.delete(`${teamPath()}/members/${viewer.id}`).set(owner.user.auth).expect(204);

      expect(await disconnected).toBe('io server disconnect');
      expect(errors).toEqual([{ code: 'FORBIDDEN', message: 'You no longer have access to this team' }]);
      await sse.ended;
      expect(staying.connected).toBe(true);
      // And a new join is refused like any foreign execution.
      const again = await connect(apiOnly, viewer.accessToken);
      expect(await again.emitWithAck('join', { executionId: run.id })).toEqual({ ok: false, error: 'Execution not found' });
      await t.http.post(`${teamPath()}/executions/${run.id}/cancel`).set(owner.user.auth).expect(200);
    });

    it('closes the stream of an API key whose creator is removed', async () => {
      const admin = await registerUser(t, 'key-stream');
      await addMember(t, owner.user, owner.teamId, admin, 'admin');
      const secret = await createApiKey(t, admin, owner.teamId, 'viewer');
      const run = await runFlow(t, owner.user, owner.teamId, flowId);
      const socket = await connect(apiOnly, secret);
      expect(await socket.emitWithAck('join', { executionId: run.id })).toEqual({ ok: true });
      const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));
      await t.http.delete(`${teamPath()}/members/${admin.id}`).set(owner.user.auth).expect(204);
      expect(await disconnected).toBe('io server disconnect');
      await t.http.post(`${teamPath()}/executions/${run.id}/cancel`).set(owner.user.auth).expect(200);
    });
  });

  describe('register', () => {
    it('answers a taken email exactly like a free one, and leaves the existing account alone', async () => {
      const email = `taken-${Date.now()}@example.com`;
      const first = await t.http.post(`${API}/auth/register`).send({ email, password: PASSWORD, displayName: 'Owner' });
      const second = await t.http.post(`${API}/auth/register`).send({ email: email.toUpperCase(), password: 'attacker password 123', displayName: 'Mallory' });
      expect([first.status, second.status]).toEqual([202, 202]);
      expect(second.body).toEqual(first.body);
      expect(Object.keys(first.body).sort()).toEqual(['email', 'message']);
      const { rows } = await db.query('SELECT display_name FROM users WHERE email = $1', [email]);
      expect(rows).toEqual([{ display_name: 'Owner' }]);
      await t.http.post(`${API}/auth/login`).send({ email, password: 'attacker password 123' }).expect(401);
      await t.http.post(`${API}/auth/login`).send({ email, password: PASSWORD }).expect(200);
    });
  });

  describe('client IP behind a proxy (TRUST_PROXY) and the per-IP register limit', () => {
    let direct: TestApp;
    let proxied: TestApp;
    beforeAll(async () => {
      direct = await startTestApp('identity_hygiene_direct', { env: { LOGIN_MAX_PER_IP: '4' } });
      proxied = await startTestApp('identity_hygiene_proxied', { env: { LOGIN_MAX_PER_IP: '4', TRUST_PROXY: 'loopback' } });
    });
    afterAll(async () => {
      await direct?.close();
      await proxied?.close();
    });

    const register = (app: TestApp, n: string, forwardedFor?: string) => {
      const req = app.http.post(`${API}/auth/register`).send({ email: `ip-${n}-${Date.now()}@example.com`, password: PASSWORD, displayName: n });
      return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
    };

    it('limits registrations per IP with 429 and Retry-After; without TRUST_PROXY a forged X-Forwarded-For does not help', async () => {
      for (let i = 0; i < 4; i++) await register(direct, `d${i}`, `198.51.100.${i}`).expect(202);
      const limited = await register(direct, 'd4', '198.51.100.99').expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await register(direct, 'd5').expect(429);
    });

    it('with TRUST_PROXY=loopback, X-Forwarded-For from the local proxy tells clients apart', async () => {
      for (let i = 0; i < 4; i++) await register(proxied, `p${i}`, '203.0.113.7').expect(202);
      await register(proxied, 'p4', '203.0.113.7').expect(429);
      await register(proxied, 'p5', '203.0.113.8').expect(202);
      // The client address is the one the trusted hop reports, not whatever the client prepends.
      await register(proxied, 'p6', '203.0.113.8, 203.0.113.7').expect(429);
    });
  });

  describe('malformed and unbounded tokens', () => {
    const forger = new JwtService({});
    const nowSec = () => Math.floor(Date.now() / 1000);
    const bearer = (claims: object, options: object = {}) => ({ Authorization: `Bearer ${forger.sign(claims, { secret: t.config.JWT_SECRET, ...options })}` });

    it('answers 401, not 500, for a refresh token whose id is not a UUID', async () => {
      for (const refreshToken of [`${'-'.repeat(36)}.secret-part`, `${'a'.repeat(36)}.secret-part`, 'no-dot-in-this-token']) {
        const res = await t.http.post(`${API}/auth/refresh`).send({ refreshToken });
        expect([refreshToken, res.status]).toEqual([refreshToken, 401]);
      }
      await t.http.post(`${API}/auth/refresh`).send({ refreshToken: 12345678901 }).expect(400);
    });

    it('answers 401, not 500, for an access token whose sub is not a user id', async () => {
      for (const sub of ['not-a-uuid', '-'.repeat(36), 42, { id: owner.user.id }]) {
        const auth = bearer({ sub, typ: 'access', exp: nowSec() + 60 });
        expect([sub, (await t.http.get(`${API}/auth/me`).set(auth)).status]).toEqual([sub, 401]);
        expect([sub, (await t.http.get(teamPath()).set(auth)).status]).toEqual([sub, 401]);
      }
    });

    it('refuses access tokens without exp or iat, or issued longer ago than the access TTL', async () => {
      const sub = owner.user.id;
      await t.http.get(`${API}/auth/me`).set(bearer({ sub, typ: 'access', exp: nowSec() + 60 })).expect(200);
      await t.http.get(`${API}/auth/me`).set(bearer({ sub, typ: 'access' })).expect(401);
      await t.http.get(`${API}/auth/me`).set(bearer({ sub, typ: 'access', exp: nowSec() + 60 }, { noTimestamp: true })).expect(401);
      const old = nowSec() - t.config.JWT_ACCESS_TTL_SEC - 120;
      await t.http.get(`${API}/auth/me`).set(bearer({ sub, typ: 'access', iat: old, exp: nowSec() + 86400 * 365 })).expect(401);
    });
  });

  describe('built-in development secrets', () => {
    const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

    it('a server started without NODE_ENV and without secrets refuses to start and says why (needs npm run build)', async () => {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, DATABASE_URL: t.config.DATABASE_URL, REDIS_URL: t.config.REDIS_URL, PORT: '0', MIGRATIONS_RUN: 'false' };
      const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain('JWT_SECRET: the built-in development secret is refused unless NODE_ENV is development or test');
      expect(output).toContain('SECRETS_KEYS: the built-in development key is refused');
    });
  });
});
