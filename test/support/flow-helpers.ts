import type { TestApp } from './test-app';
import { API, type TestUser } from './identity-helpers';

export interface FlowInput {
  name: string;
  variables?: Array<Record<string, unknown>>;
  steps: Array<Record<string, unknown>>;
  outputs?: Record<string, string>;
}

/** An explicit "run once" (also the engine default since #16: no implicit retries); kept so tests read as intended. */
export function noRetry(step: Record<string, unknown>): Record<string, unknown> {
  return { retry: { maxRetries: 0 }, ...step };
}

export async function createFlow(t: TestApp, user: TestUser, teamId: string, flow: FlowInput): Promise<string> {
  const res = await t.http.post(`${API}/teams/${teamId}/flows`).set(user.auth).send(flow);
  if (res.status !== 201) throw new Error(`create flow failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function runFlow(t: TestApp, user: TestUser, teamId: string, flowId: string, body: Record<string, unknown> = {}): Promise<any> {
  const res = await t.http.post(`${API}/teams/${teamId}/flows/run`).set(user.auth).send({ flowId, ...body });
  if (res.status !== 201) throw new Error(`run failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

export async function waitForExecution(t: TestApp, user: TestUser, teamId: string, id: string, timeoutMs = 30000, until: (e: any) => boolean = (e) => TERMINAL.includes(e.status)): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http.get(`${API}/teams/${teamId}/executions/${id}`).set(user.auth).expect(200);
    if (until(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`execution ${id} still ${res.body.status} after ${timeoutMs} ms: ${JSON.stringify(res.body.steps.map((s: any) => [s.name, s.status]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
