import { ApiError } from './api-error';

export const API_BASE = '/api/v1';

/** What the client needs from the session: the current access token and a way to renew it. */
export interface TokenSource {
  accessToken(): string | undefined;
  /**
   * Makes sure the access token is newer than `rejected` (the one a 401 came back for). Resolves false
   * when the session is over (the caller then surfaces the 401).
   */
  renewAfter(rejected: string): Promise<boolean>;
}

export type QueryParams = Record<string, string | number | boolean | undefined | null>;

interface RequestOptions {
  query?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Typed fetch wrapper for the API: same origin, JSON in and out, Bearer token from the session, one
 * silent retry after a 401 once the session has a fresh token, and ApiError for every failure.
 * Screens do not call it directly; they use the query/mutation helpers in src/api/<area>.ts.
 */
export class ApiClient {
  constructor(
    private readonly tokens: TokenSource,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly base = API_BASE,
  ) {}

  get<T>(path: string, query?: QueryParams, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  post<T>(path: string, body?: unknown, query?: QueryParams): Promise<T> {
    return this.request<T>('POST', path, { body, query });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path, {});
  }

  async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = this.base + path + toQueryString(options.query);
    const token = this.tokens.accessToken();
    let res = await this.send(method, url, options, token);
    if (res.status === 401 && token && (await this.tokens.renewAfter(token))) {
      res = await this.send(method, url, options, this.tokens.accessToken());
    }
    if (!res.ok) throw await ApiError.fromResponse(res);
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') ? await res.json() : await res.text()) as T;
  }

  private send(method: string, url: string, options: RequestOptions, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return this.fetchImpl(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  }
}

export function toQueryString(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
