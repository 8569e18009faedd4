import type { ResolvedResource } from '../step-plugin';

/** What an `http` resource contributes to a request (see resources/types/http). */
export interface HttpResourceSettings {
  baseUrl?: string;
  headers: Record<string, string>;
  tlsVerify?: boolean;
  timeoutMs?: number;
}

export function httpResourceSettings(resource: ResolvedResource | undefined): HttpResourceSettings {
  if (!resource) return { headers: {} };
  const c = resource.config as {
    baseUrl?: string;
    headers?: Record<string, string>;
    tlsVerify?: boolean;
    timeoutMs?: number;
    auth?: { type?: string; token?: string; username?: string; password?: string; header?: string; headerName?: string; value?: string; key?: string };
  };
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  const auth = c.auth;
  if (auth?.type === 'bearer' && auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth?.type === 'basic' && auth.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  }
  const apiKeyHeader = auth?.header ?? auth?.headerName;
  const apiKeyValue = auth?.value ?? auth?.key;
  if ((auth?.type === 'apiKey' || auth?.type === 'api-key') && apiKeyHeader && apiKeyValue) headers[apiKeyHeader.toLowerCase()] = apiKeyValue;
  return { baseUrl: c.baseUrl, headers, tlsVerify: c.tlsVerify, timeoutMs: c.timeoutMs };
}

/** Joins a relative step URL onto the resource base URL; an absolute step URL wins. */
export function resolveUrl(url: string, baseUrl: string | undefined): string {
  if (/^https?:\/\//i.test(url)) return url;
  if (!baseUrl) throw new Error(`url "${url}" is relative but the step has no http resource with a base URL`);
  return baseUrl.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}
