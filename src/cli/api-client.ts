import { CliError, EXIT } from './cli-error';
import type { ConfigStore, StoredProfile } from './config-store';

/** How the CLI proves who it is: a team API key (CI), or the token pair of `ats login` with email/password. */
export type Credentials =
  | { kind: 'apiKey'; apiKey: string }
  | { kind: 'tokens'; profileName: string; store: ConfigStore; profile: StoredProfile }
  | { kind: 'none' };

/** A field problem as the service reports it in a 400 (`details.problems`). */
export interface ServerProblem {
  pointer?: string;
  field?: string;
  message: string;
}

/** A 4xx answer: the status, the server's message and problems, for commands that render them (validate, push). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly ServerProblem[],
    readonly body: unknown,
  ) {
    super(message, EXIT.usage, problems.map((p) => `  ${p.pointer ?? p.field ?? ''}: ${p.message}`));
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Answer as text (reports in XML, YAML) instead of JSON. */
  text?: boolean;
  /** No per-request timeout (long waits, event streams). */
  noTimeout?: boolean;
  signal?: AbortSignal;
}

const REQUEST_TIMEOUT_MS = 30_000;
/** A 5xx or a dropped connection is retried once after this pause: a rolling restart should not fail a pipeline. */
const RETRY_PAUSE_MS = 1_000;
/** Refresh the access token this long before it expires, so a request never races its expiry. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * The service's HTTP API as the CLI uses it: base URL `<url>/api/v1`, authentication (API key header, or
 * bearer token refreshed silently with the stored refresh token), and every failure turned into a
 * CliError whose exit code says which kind it is (2: the request or the login is wrong; 3: the service
 * cannot be reached or keeps failing).
 */
export class ApiClient {
  readonly apiBase: string;

  constructor(
    readonly baseUrl: string,
    private credentials: Credentials,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.apiBase = `${baseUrl}/api/v1`;
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options, options.text ? 'text/plain, application/xml, */*' : 'application/json');
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (options.text) return text as T;
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** An open event stream (the caller reads `body`); errors are mapped like any request. */
  openStream(path: string, signal?: AbortSignal): Promise<Response> {
    return this.send('GET', path, { noTimeout: true, signal }, 'text/event-stream');
  }

  private async send(method: string, path: string, options: RequestOptions, accept: string): Promise<Response> {
    const url = new URL(`${this.apiBase}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { accept, ...(await this.authHeaders()) };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const signals = [options.signal, options.noTimeout ? undefined : AbortSignal.timeout(REQUEST_TIMEOUT_MS)].filter((s): s is AbortSignal => !!s);
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: signals.length ? AbortSignal.any(signals) : undefined,
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (attempt === 1) {
          await pause(RETRY_PAUSE_MS);
          continue;
        }
        throw CliError.unreachable(`cannot reach the service at ${this.baseUrl}: ${describeNetworkError(error)}`, [
          'check --url / ATS_URL and that the service is running',
        ]);
      }
      if (response.status === 401 && this.credentials.kind === 'tokens' && !refreshed) {
        await response.body?.cancel();
        await this.refresh();
        refreshed = true;
        continue;
      }
      if (response.status >= 500 && attempt === 1) {
        await response.body?.cancel();
        await pause(RETRY_PAUSE_MS);
        continue;
      }
      if (response.ok) return response;
      throw await this.failure(response);
    }
  }

  private async failure(response: Response): Promise<CliError> {
    const text = await response.text().catch(() => '');
    let body: { message?: unknown; details?: { problems?: ServerProblem[] } } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const message = typeof body?.message === 'string' ? body.message : text.slice(0, 200) || response.statusText;
    if (response.status >= 500) {
      return CliError.unreachable(`the service answered ${response.status} twice: ${message}`);
    }
    if (response.status === 401) {
      return CliError.usage(`not signed in or the credentials were refused (${message})`, ['run: ats login <url>  (or set ATS_API_KEY)']);
    }
    return new ApiError(response.status, `${response.status}: ${message}`, body?.details?.problems ?? [], body);
  }

  private async authHeaders(): Promise<Record<string, string>> {
    const credentials = this.credentials;
    if (credentials.kind === 'apiKey') return { 'x-api-key': credentials.apiKey };
    if (credentials.kind === 'none') return {};
    const { profile } = credentials;
    if (!profile.accessToken || (profile.accessTokenExpiresAt ?? 0) - REFRESH_MARGIN_MS < Date.now()) await this.refresh();
    return { authorization: `Bearer ${this.tokenProfile().accessToken}` };
  }

  private tokenProfile(): StoredProfile {
    if (this.credentials.kind !== 'tokens') throw new Error('no token credentials');
    return this.credentials.profile;
  }

  /** Exchanges the stored refresh token (single use: the new one is saved at once) for a new pair. */
  private async refresh(): Promise<void> {
    if (this.credentials.kind !== 'tokens') return;
    const { store, profileName, profile } = this.credentials;
    if (!profile.refreshToken) throw CliError.usage('the stored login has no refresh token', ['run: ats login <url>']);
    let pair: TokenPair;
    try {
      pair = await new ApiClient(this.baseUrl, { kind: 'none' }, this.fetchImpl).post<TokenPair>('/auth/refresh', { refreshToken: profile.refreshToken });
    } catch (error) {
      if (error instanceof ApiError) throw CliError.usage('the stored login has expired or was revoked', ['run: ats login <url>']);
      throw error;
    }
    const next = withTokens(profile, pair);
    store.saveProfile(profileName, next);
    this.credentials = { ...this.credentials, profile: next };
  }
}

export interface TokenPair {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

export function withTokens(profile: StoredProfile, pair: TokenPair, now = Date.now()): StoredProfile {
  return { ...profile, accessToken: pair.accessToken, refreshToken: pair.refreshToken, accessTokenExpiresAt: now + pair.expiresIn * 1000 };
}

function describeNetworkError(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (DNS)';
  if (code === 'ECONNRESET') return 'connection reset';
  return err.cause?.message ?? err.message ?? String(error);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
