/**
 * A scripted stand-in for the API in component tests: answers by "METHOD /path" and records calls.
 * Browser tests run against the real API; this only drives UI logic in jsdom.
 */
export type Route = (request: { body: unknown; headers: Record<string, string>; url: string }) => { status: number; body?: unknown };

export function fakeFetch(routes: Record<string, Route>) {
  const calls: { method: string; path: string; headers: Record<string, string>; body: unknown }[] = [];
  const impl: typeof fetch = async (input, init = {}) => {
    const url = String(input);
    const method = init.method ?? 'GET';
    const path = url.replace(/^\/api\/v1/, '').split('?')[0];
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path, headers, body });
    const route = routes[`${method} ${path}`];
    const answer = route ? route({ body, headers, url }) : { status: 404, body: { statusCode: 404, code: 'NOT_FOUND', message: `No route ${method} ${path}` } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { impl, calls };
}

export function memoryStorage(initial: Record<string, string> = {}): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

export function tokenPair(n: number) {
  return { accessToken: `access-${n}`, refreshToken: `refresh-${n}-abcdefghij`, expiresIn: 900, tokenType: 'Bearer' };
}
