import { API_BASE, type TokenSource } from '../api/api-client';
import { ApiError } from '../api/api-error';

/** What POST /auth/login and /auth/refresh answer. */
export interface TokenPair {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  tokenType: 'Bearer';
}

export type SessionState = 'restoring' | 'signed-out' | 'signed-in';

/**
 * Where the refresh token lives between page loads. sessionStorage, not localStorage: it dies with the
 * tab, is not shared with other tabs (each rotates its own token family), and nothing else is stored.
 * The access token stays in memory only.
 */
export const REFRESH_TOKEN_KEY = 'ats.refreshToken';

/**
 * The signed-in user's tokens and their renewal. Framework-free so the refresh rules are unit-tested:
 * one refresh at a time (concurrent 401s share it), never a second refresh for a token that was
 * already replaced (the API rotates refresh tokens; replaying an old one ends the session).
 */
export class Session implements TokenSource {
  private access: string | undefined;
  private renewal: Promise<boolean> | undefined;
  private currentState: SessionState = 'restoring';
  private readonly listeners = new Set<(state: SessionState) => void>();

  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  get state(): SessionState {
    return this.currentState;
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  accessToken(): string | undefined {
    return this.access;
  }

  /** On page load: a refresh token from this tab's earlier load buys a new access token. */
  async restore(): Promise<void> {
    if (!this.storage.getItem(REFRESH_TOKEN_KEY)) return this.end();
    await this.refresh();
  }

  async login(email: string, password: string): Promise<void> {
    this.accept(await this.post<TokenPair>('/auth/login', { email, password }));
  }

  /** Registration answers 202 without tokens (it must not reveal taken emails), so sign in right after. */
  async register(email: string, password: string, displayName: string): Promise<void> {
    await this.post('/auth/register', { email, password, displayName });
    await this.login(email, password);
  }

  async logout(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    this.end();
    // Revoke server-side too; the local session is over either way.
    if (refreshToken) await this.post('/auth/logout', { refreshToken }).catch(() => undefined);
  }

  renewAfter(rejected: string): Promise<boolean> {
    if (this.access && this.access !== rejected) return Promise.resolve(true);
    return this.refresh();
  }

  /** Exchanges the refresh token for a new pair; concurrent callers share one request. */
  refresh(): Promise<boolean> {
    this.renewal ??= this.exchange().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async exchange(): Promise<boolean> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) {
      this.end();
      return false;
    }
    try {
      this.accept(await this.post<TokenPair>('/auth/refresh', { refreshToken }));
      return true;
    } catch (error) {
      // A rejected refresh token means signing in again; a network failure keeps the tokens for a retry.
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) this.end();
      else if (this.currentState === 'restoring') this.end();
      return false;
    }
  }

  private accept(pair: TokenPair): void {
    this.access = pair.accessToken;
    this.storage.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
    this.setState('signed-in');
  }

  private end(): void {
    this.access = undefined;
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.setState('signed-out');
  }

  private setState(state: SessionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of this.listeners) listener(state);
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const res = await this.fetchImpl(API_BASE + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw await ApiError.fromResponse(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}
