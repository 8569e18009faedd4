import { API, addMember, createTeam, ownerWithTeam, registerUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

describe('organisations, teams and members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('teams');
  });
  afterAll(() => t.close());

  it('creates, lists, renames organisations and teams', async () => {
    const { user, orgId, teamId } = await ownerWithTeam(t, 'acme');
    const orgs = await t.http.get(`${API}/orgs`).set(user.auth).expect(200);
    expect(orgs.body).toEqual([expect.objectContaining({ id: orgId, role: 'owner' })]);
    await t.http.patch(`${API}/orgs/${orgId}`).set(user.auth).send({ name: 'Acme 2' }).expect(200);
    expect((await t.http.get(`${API}/orgs/${orgId}`).set(user.auth).expect(200)).body.name).toBe('Acme 2');

    const renamed = await t.http.patch(`${API}/teams/${teamId}`).set(user.auth).send({ name: 'Checkout' }).expect(200);
    expect(renamed.body).toMatchObject({ id: teamId, name: 'Checkout', role: 'owner' });
    await createTeam(t, user, orgId, 'Payments');
    await t.http.post(`${API}/orgs/${orgId}/teams`).set(user.auth).send({ name: 'Payments' }).expect(409);
    const teams = await t.http.get(`${API}/teams`).set(user.auth).expect(200);
    expect(teams.body.map((x: { name: string }) => x.name)).toEqual(['Checkout', 'Payments']);
  });

  it('manages members and protects the last owner', async () => {
    const { user: owner, teamId } = await ownerWithTeam(t, 'members');
    const grace = await registerUser(t, 'grace');
    await addMember(t, owner, teamId, grace, 'admin');
    await t.http.post(`${API}/teams/${teamId}/members`).set(owner.auth).send({ email: grace.email, role: 'viewer' }).expect(409);
    await t.http.post(`${API}/teams/${teamId}/members`).set(owner.auth).send({ email: 'nobody@example.com', role: 'viewer' }).expect(404);

    // An admin cannot create owners, nor touch the owner.
    await t.http.patch(`${API}/teams/${teamId}/members/${grace.id}`).set(grace.auth).send({ role: 'owner' }).expect(403);
    await t.http.delete(`${API}/teams/${teamId}/members/${owner.id}`).set(grace.auth).expect(403);

    // The last owner can neither be demoted nor removed.
    await t.http.patch(`${API}/teams/${teamId}/members/${owner.id}`).set(owner.auth).send({ role: 'admin' }).expect(409);
    await t.http.delete(`${API}/teams/${teamId}/members/${owner.id}`).set(owner.auth).expect(409);

    // With a second owner, the first may step down.
    await t.http.patch(`${API}/teams/${teamId}/members/${grace.id}`).set(owner.auth).send({ role: 'owner' }).expect(200);
    await t.http.patch(`${API}/teams/${teamId}/members/${owner.id}`).set(owner.auth).send({ role: 'viewer' }).expect(200);
    const members = await t.http.get(`${API}/teams/${teamId}/members`).set(grace.auth).expect(200);
    expect(members.body.map((m: { role: string }) => m.role).sort()).toEqual(['owner', 'viewer']);
    await t.http.delete(`${API}/teams/${teamId}/members/${owner.id}`).set(grace.auth).expect(204);
    const after = await t.http.get(`${API}/teams/${teamId}/members`).set(grace.auth).expect(200);
    expect(after.body.map((m: { userId: string }) => m.userId)).toEqual([grace.id]);
    // Still the organisation owner: the org role keeps reaching the team, as designed.
    expect((await t.http.get(`${API}/teams/${teamId}`).set(owner.auth).expect(200)).body.role).toBe('owner');
    // A plain member removed from the team loses it entirely.
    const viewer = await registerUser(t, 'viewer');
    await addMember(t, grace, teamId, viewer, 'viewer');
    await t.http.get(`${API}/teams/${teamId}`).set(viewer.auth).expect(200);
    await t.http.delete(`${API}/teams/${teamId}/members/${viewer.id}`).set(grace.auth).expect(204);
    await t.http.get(`${API}/teams/${teamId}`).set(viewer.auth).expect(404);
  });

  it('lets organisation admins act on every team of the org', async () => {
    const { user: owner, orgId, teamId } = await ownerWithTeam(t, 'orgadmin');
    const other = await registerUser(t, 'outsider');
    await t.http.get(`${API}/teams/${teamId}`).set(other.auth).expect(404);
    // No team membership, but the org owner role reaches the team.
    const team2 = await createTeam(t, owner, orgId, 'Second');
    await t.http.delete(`${API}/teams/${team2}/members/${owner.id}`).set(owner.auth).expect(409);
    const teams = await t.http.get(`${API}/teams`).set(owner.auth).expect(200);
    expect(teams.body).toHaveLength(2);
  });

  it('deletes an empty team', async () => {
    const { user, teamId } = await ownerWithTeam(t, 'deleteme');
    await t.http.delete(`${API}/teams/${teamId}`).set(user.auth).expect(204);
    await t.http.get(`${API}/teams/${teamId}`).set(user.auth).expect(404);
  });
});
