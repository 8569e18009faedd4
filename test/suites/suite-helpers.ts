import type { TestApp } from '../support/test-app';
import { API, type TestUser } from '../support/identity-helpers';

export async function createSuite(t: TestApp, user: TestUser, teamId: string, body: Record<string, unknown>): Promise<any> {
  const res = await t.http.post(`${API}/teams/${teamId}/suites`).set(user.auth).send(body);
  if (res.status !== 201) throw new Error(`create suite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function runSuite(t: TestApp, user: TestUser, teamId: string, suiteId: string, body: Record<string, unknown> = {}): Promise<any> {
  const res = await t.http.post(`${API}/teams/${teamId}/suites/${suiteId}/run`).set(user.auth).send(body);
  if (res.status !== 201) throw new Error(`run suite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function waitForSuiteRun(t: TestApp, user: TestUser, teamId: string, id: string, timeoutMs = 30000, until: (r: any) => boolean = (r) => r.status !== 'IN_PROGRESS'): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http.get(`${API}/teams/${teamId}/suite-runs/${id}`).set(user.auth).expect(200);
    if (until(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`suite run ${id} still ${res.body.status} after ${timeoutMs} ms: ${JSON.stringify(res.body.items.map((i: any) => [i.flowName, i.status, i.queued]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
