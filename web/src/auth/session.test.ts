import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import { fakeFetch, memoryStorage, tokenPair } from '../test/fake-api';
import { REFRESH_TOKEN_KEY, Session } from './session';

const unauthorized = { status: 401, body: { statusCode: 401, code: 'UNAUTHENTICATED', message: 'Access token expired' } };

/** An API whose access tokens are valid only from the latest issue; refresh tokens rotate like the server's. */
function rotatingApi() {
  let issued = 1;
  let validRefresh = tokenPair(1).refreshToken;
  const api = fakeFetch({
    'POST /auth/login': () => ({ status: 200, body: tokenPair(issued) }),
    'POST /auth/refresh': ({ body }) => {
      if ((body as { refreshToken: string }).refreshToken !== validRefresh) {
        return { status: 401, body: { statusCode: 401, code: 'UNAUTHENTICATED', message: 'Refresh token is no longer valid' } };
      }
      issued += 1;
      validRefresh = tokenPair(issued).refreshToken;
      return { status: 200, body: tokenPair(issued) };
    },
    'GET /flows': ({ headers }) => (headers.Authorization === `Bearer access-${issued}` ? { status: 200, body: { ok: issued } } : unauthorized),
  });
  return api;
}

describe('Session', () => {
  it('signs in, keeps the access token in memory and only the refresh token in storage', async () => {
    const storage = memoryStorage();
    const { impl } = rotatingApi();
    const session = new Session(storage, impl);
    await session.login('ada@example.com', 'correct horse battery staple');
    expect(session.state).toBe('signed-in');
    expect(session.accessToken()).toBe('access-1');
    expect([...storage.data.keys()]).toEqual([REFRESH_TOKEN_KEY]);
  });

  it('renews silently on a 401 and retries the request once', async () => {
    const { impl, calls } = rotatingApi();
    const session = new Session(memoryStorage({ [REFRESH_TOKEN_KEY]: tokenPair(1).refreshToken }), impl);
    // Simulate an access token the API no longer accepts.
    (session as unknown as { access: string }).access = 'access-0';
    (session as unknown as { currentState: string }).currentState = 'signed-in';
    const api = new ApiClient(session, impl);
    await expect(api.get('/flows')).resolves.toEqual({ ok: 2 });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /flows', 'POST /auth/refresh', 'GET /flows']);
  });

  it('shares one refresh between concurrent 401s (a second refresh would replay a rotated token)', async () => {
    const { impl, calls } = rotatingApi();
    const session = new Session(memoryStorage({ [REFRESH_TOKEN_KEY]: tokenPair(1).refreshToken }), impl);
    (session as unknown as { access: string }).access = 'access-0';
    const api = new ApiClient(session, impl);
    const results = await Promise.all([api.get('/flows'), api.get('/flows'), api.get('/flows')]);
    expect(results).toEqual([{ ok: 2 }, { ok: 2 }, { ok: 2 }]);
    expect(calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(1);
  });

  it('does not refresh again for a 401 on a token that was already replaced', async () => {
    const { impl, calls } = rotatingApi();
    const session = new Session(memoryStorage({ [REFRESH_TOKEN_KEY]: tokenPair(1).refreshToken }), impl);
    await session.refresh();
    expect(session.accessToken()).toBe('access-2');
    await expect(session.renewAfter('access-1')).resolves.toBe(true);
    expect(calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(1);
  });

  it('ends the session when the refresh token is refused, and the request fails with the API message', async () => {
    const { impl } = rotatingApi();
    const storage = memoryStorage({ [REFRESH_TOKEN_KEY]: 'refresh-stolen-and-reused' });
    const session = new Session(storage, impl);
    (session as unknown as { access: string }).access = 'access-0';
    (session as unknown as { currentState: string }).currentState = 'signed-in';
    const states: string[] = [];
    session.subscribe((state) => states.push(state));
    const error = await new ApiClient(session, impl).get('/flows').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('Access token expired');
    expect(states).toEqual(['signed-out']);
    expect(storage.data.size).toBe(0);
  });

  it('restores a session from the stored refresh token on page load', async () => {
    const { impl } = rotatingApi();
    const session = new Session(memoryStorage({ [REFRESH_TOKEN_KEY]: tokenPair(1).refreshToken }), impl);
    await session.restore();
    expect(session.state).toBe('signed-in');
    const empty = new Session(memoryStorage(), impl);
    await empty.restore();
    expect(empty.state).toBe('signed-out');
  });

  it('registers (202, no tokens) and then signs in', async () => {
    const { impl, calls } = fakeFetch({
      'POST /auth/register': () => ({ status: 202, body: { email: 'ada@example.com', message: 'Registration received' } }),
      'POST /auth/login': () => ({ status: 200, body: tokenPair(1) }),
    });
    const session = new Session(memoryStorage(), impl);
    await session.register('ada@example.com', 'correct horse battery staple', 'Ada');
    expect(calls.map((c) => c.path)).toEqual(['/auth/register', '/auth/login']);
    expect(session.state).toBe('signed-in');
  });

  it('signs out locally and revokes the refresh token', async () => {
    const { impl, calls } = fakeFetch({
      'POST /auth/login': () => ({ status: 200, body: tokenPair(1) }),
      'POST /auth/logout': () => ({ status: 204 }),
    });
    const storage = memoryStorage();
    const session = new Session(storage, impl);
    await session.login('ada@example.com', 'pw');
    await session.logout();
    expect(session.state).toBe('signed-out');
    expect(session.accessToken()).toBeUndefined();
    expect(storage.data.size).toBe(0);
    expect(calls.at(-1)).toMatchObject({ path: '/auth/logout', body: { refreshToken: tokenPair(1).refreshToken } });
  });
});
