import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { API, PASSWORD, createApiKey, ownerWithTeam, registerUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('auth', { env: { LOGIN_MAX_ATTEMPTS: '3', LOGIN_WINDOW_SEC: '30' } });
  });
  afterAll(() => t.close());

  it('runs the full cycle: register, me, login, refresh, logout', async () => {
    const user = await registerUser(t, 'cycle');
    const login = await t.http.post(`${API}/auth/login`).send({ email: user.email, password: PASSWORD }).expect(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await t.http.get(`${API}/auth/me`).set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, organisations: [], teams: [] });
    expect(JSON.stringify(me.body)).not.toMatch(/password/i);

    const refreshed = await t.http.post(`${API}/auth/refresh`).send({ refreshToken: login.body.refreshToken }).expect(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    await t.http.get(`${API}/auth/me`).set('Authorization', `Bearer ${refreshed.body.accessToken}`).expect(200);

    await t.http.post(`${API}/auth/logout`).send({ refreshToken: refreshed.body.refreshToken }).expect(204);
    await t.http.post(`${API}/auth/refresh`).send({ refreshToken: refreshed.body.refreshToken }).expect(401);
  });

  it('refuses a still-valid token of a deleted user, on team routes as elsewhere', async () => {
    const { user: owner, teamId } = await ownerWithTeam(t, 'keeper');
    const gone = await registerUser(t, 'gone');
    await t.http.post(`${API}/teams/${teamId}/members`).set(owner.auth).send({ email: gone.email, role: 'editor' }).expect(201);
    await t.http.get(`${API}/teams/${teamId}/flows`).set(gone.auth).expect(200);
    const db = new Client({ connectionString: t.config.DATABASE_URL });
    await db.connect();
    await db.query('DELETE FROM users WHERE id = $1', [gone.id]).finally(() => db.end());
    for (const path of [`/teams/${teamId}/flows`, `/teams/${randomUUID()}/flows`, '/teams/not-a-uuid/flows', '/auth/me']) {
      const res = await t.http.get(`${API}${path}`).set(gone.auth).expect(401);
      expect(res.body.message).toBe('User no longer exists');
    }
    await t.http.get(`${API}/teams/${teamId}/flows`).set(owner.auth).expect(200);
  });

  it('refuses requests without or with forged credentials', async () => {
    await t.http.get(`${API}/auth/me`).expect(401);
    await t.http.get(`${API}/auth/me`).set('Authorization', 'Bearer not.a.jwt').expect(401);
    const user = await registerUser(t, 'forge');
    const [h, p] = user.accessToken.split('.');
    await t.http.get(`${API}/auth/me`).set('Authorization', `Bearer ${h}.${p}.AAAA`).expect(401);
  });

  it('detects reuse of a rotated refresh token and revokes the whole family', async () => {
    const user = await registerUser(t, 'reuse');
    const first = await t.http.post(`${API}/auth/refresh`).send({ refreshToken: user.refreshToken }).expect(200);
    // The stolen original is replayed: refused, and the legitimate successor dies with it.
    const replay = await t.http.post(`${API}/auth/refresh`).send({ refreshToken: user.refreshToken }).expect(401);
    expect(replay.body.message).toMatch(/already used/);
    await t.http.post(`${API}/auth/refresh`).send({ refreshToken: first.body.refreshToken }).expect(401);
  });

  it('validates input and names the field', async () => {
    const res = await t.http.post(`${API}/auth/register`).send({ email: 'nope', password: 'short', displayName: '' }).expect(400);
    const fields = res.body.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'displayName']));
    const extra = await t.http.post(`${API}/auth/login`).send({ email: 'a@b.co', password: 'x', isAdmin: true }).expect(400);
    expect(extra.body.details.problems[0]).toMatchObject({ field: 'isAdmin' });
  });

  it('rate-limits login per email with a 429 that says when to retry', async () => {
    const user = await registerUser(t, 'limited');
    for (let i = 0; i < 3; i++) {
      await t.http.post(`${API}/auth/login`).send({ email: user.email, password: 'wrong password!' }).expect(401);
    }
    const limited = await t.http.post(`${API}/auth/login`).send({ email: user.email, password: PASSWORD }).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.details.retryAfterSec).toBeGreaterThan(0);
    expect(limited.body.message).toMatch(/retry in \d+ s/);
  });

  it('accepts API keys in both headers, records use, and stops them on revocation', async () => {
    const { user, teamId } = await ownerWithTeam(t, 'keys');
    const key = await createApiKey(t, user, teamId, 'editor');
    expect(key).toMatch(/^ats_[a-f0-9]{12}_/);
    await t.http.get(`${API}/teams/${teamId}`).set('Authorization', `Bearer ${key}`).expect(200);
    await t.http.get(`${API}/teams/${teamId}`).set('X-API-Key', key).expect(200);

    const list = await t.http.get(`${API}/teams/${teamId}/api-keys`).set(user.auth).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(key.split('_').slice(2).join('_'));
    expect(list.body[0].lastUsedAt).not.toBeNull();

    // An editor key cannot manage keys, and cannot act as a user.
    await t.http.get(`${API}/teams/${teamId}/api-keys`).set('X-API-Key', key).expect(403);
    await t.http.get(`${API}/orgs`).set('X-API-Key', key).expect(403);

    await t.http.delete(`${API}/teams/${teamId}/api-keys/${list.body[0].id}`).set(user.auth).expect(204);
    await t.http.get(`${API}/teams/${teamId}`).set('X-API-Key', key).expect(401);
  });
});
