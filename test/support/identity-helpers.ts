import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

export const PASSWORD = 'correct horse battery staple';
export const API = '/api/v1';

export interface TestUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

export async function registerUser(t: TestApp, name: string): Promise<TestUser> {
  const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
  await t.http.post(`${API}/auth/register`).send({ email, password: PASSWORD, displayName: name }).expect(202);
  const res = await t.http.post(`${API}/auth/login`).send({ email, password: PASSWORD }).expect(200);
  const auth = { Authorization: `Bearer ${res.body.accessToken}` };
  const me = await t.http.get(`${API}/auth/me`).set(auth).expect(200);
  return { id: me.body.id, email, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, auth };
}

export async function createOrg(t: TestApp, owner: TestUser, name: string): Promise<string> {
  return (await t.http.post(`${API}/orgs`).set(owner.auth).send({ name }).expect(201)).body.id;
}

export async function createTeam(t: TestApp, owner: TestUser, orgId: string, name: string): Promise<string> {
  return (await t.http.post(`${API}/orgs/${orgId}/teams`).set(owner.auth).send({ name }).expect(201)).body.id;
}

export async function addMember(t: TestApp, admin: TestUser, teamId: string, user: TestUser, role: string): Promise<void> {
  await t.http.post(`${API}/teams/${teamId}/members`).set(admin.auth).send({ email: user.email, role }).expect(201);
}

export async function createApiKey(t: TestApp, admin: TestUser, teamId: string, role: string): Promise<string> {
  return (await t.http.post(`${API}/teams/${teamId}/api-keys`).set(admin.auth).send({ name: `key-${role}`, role }).expect(201)).body.key;
}

/** A user with one org and one team they own: the common starting point of feature tests. */
export async function ownerWithTeam(t: TestApp, name: string): Promise<{ user: TestUser; orgId: string; teamId: string }> {
  const user = await registerUser(t, name);
  const orgId = await createOrg(t, user, `${name} org`);
  const teamId = await createTeam(t, user, orgId, `${name} team`);
  return { user, orgId, teamId };
}

/**
 * A team with its owner and a viewer member, and another user's team: what a feature test needs to check
 * roles (the viewer is refused what editors may do) and tenant isolation (the outsider sees nothing).
 */
export async function teamWithViewerAndOutsider(
  t: TestApp,
  name: string,
): Promise<{ owner: TestUser; teamId: string; viewer: TestUser; other: { user: TestUser; teamId: string } }> {
  const { user: owner, teamId } = await ownerWithTeam(t, name);
  const viewer = await registerUser(t, `${name}-viewer`);
  await addMember(t, owner, teamId, viewer, 'viewer');
  const { user, teamId: otherTeamId } = await ownerWithTeam(t, `${name}-other`);
  return { owner, teamId, viewer, other: { user, teamId: otherTeamId } };
}
