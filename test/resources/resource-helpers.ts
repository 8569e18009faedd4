import type { Response } from 'supertest';
import { API, type TestUser } from '../support/identity-helpers';
import type { TestApp } from '../support/test-app';

/** Creates a resource and returns its id (fails loudly with the response on anything but 201). */
export async function createResource(t: TestApp, user: TestUser, teamId: string, body: Record<string, unknown>): Promise<string> {
  const res = await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send(body);
  if (res.status !== 201) throw new Error(`create resource failed: ${res.status} ${res.text}`);
  return res.body.id;
}

/** A harmless resource for worlds that only need one to exist (isolation matrix). */
export const SAMPLE_HTTP_RESOURCE = (name: string) => ({
  name,
  type: 'http',
  // Port 1 on loopback refuses at once: a connection test of it is fast and needs no server.
  config: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'bearer', token: 'sample-token-not-secret-here' } },
});

/**
 * Sends requests as one user and keeps every response body, so a test can prove afterwards that no
 * response of the whole file ever contained a secret.
 */
export class RecordingClient {
  constructor(
    private readonly t: TestApp,
    private readonly user: TestUser,
    private readonly bodies: string[],
  ) {}

  async send(method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object, expected?: number): Promise<Response> {
    let request = this.t.http[method](`${API}${path}`).set(this.user.auth);
    if (body !== undefined) request = request.send(body);
    const res = await request;
    this.bodies.push(res.text ?? '');
    if (expected !== undefined && res.status !== expected) {
      throw new Error(`${method.toUpperCase()} ${path}: expected ${expected}, got ${res.status} ${res.text}`);
    }
    return res;
  }
}
