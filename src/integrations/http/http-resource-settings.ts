import { secretHeaderNames, type HttpResourceConfig } from './http-resource-config.dto';
import { StepError, type StepResource } from '../../steps/step-plugin';

/** What an `http` resource contributes to one request (see http-resource-config.dto.ts). */
export interface HttpResourceSettings {
  /** The absolute URL the step calls: its own, or its relative URL joined onto the base URL. */
  url: string;
  /** Default headers and auth, only when `url` is on the base URL's origin; else empty. */
  headers: Record<string, string>;
  /** Lower-case names among `headers` that a redirect to another origin must drop (secret headers, API-key auth). */
  originBoundHeaders: string[];
  tlsVerify?: boolean;
  timeoutMs?: number;
}

interface HttpResourceConfigShape {
  baseUrl?: string;
  headers?: Record<string, string>;
  secretHeaders?: string[];
  tlsVerify?: boolean;
  timeoutMs?: number;
  auth?: { type?: string; token?: string; username?: string; password?: string; header?: string; headerName?: string; value?: string; key?: string };
}

const ABSOLUTE_URL = /^https?:\/\//i;

/**
 * The request an http step sends with its resource. The resource's credentials and default headers
 * go only to the base URL's own origin (scheme, host, port): a relative URL always, an absolute URL
 * only when it is on that origin — never to a host a flow author names. Its TLS setting follows them.
 */
export function httpResourceSettings(resource: StepResource<HttpResourceConfig> | undefined, stepUrl: string): HttpResourceSettings {
  const c = (resource?.config ?? {}) as HttpResourceConfigShape;
  const url = resolveUrl(stepUrl, c.baseUrl);
  if (!resource || !c.baseUrl || !sameOrigin(url, c.baseUrl)) return { url, headers: {}, originBoundHeaders: [], timeoutMs: c.timeoutMs };
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  const secret = secretHeaderNames(c);
  const originBoundHeaders = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => secret.has(name));
  const auth = c.auth;
  if (auth?.type === 'bearer' && auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth?.type === 'basic' && auth.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  }
  const apiKeyHeader = auth?.header ?? auth?.headerName;
  const apiKeyValue = auth?.value ?? auth?.key;
  if ((auth?.type === 'apiKey' || auth?.type === 'api-key') && apiKeyHeader && apiKeyValue) {
    headers[apiKeyHeader.toLowerCase()] = apiKeyValue;
    originBoundHeaders.push(apiKeyHeader.toLowerCase());
  }
  return { url, headers, originBoundHeaders, tlsVerify: c.tlsVerify, timeoutMs: c.timeoutMs };
}

function sameOrigin(url: string, baseUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Joins a relative step URL onto the resource base URL; an absolute step URL wins. A base URL with a
 * query (`?token=…`) keeps it, and the step URL's own query is appended after it.
 */
export function resolveUrl(url: string, baseUrl: string | undefined): string {
  if (ABSOLUTE_URL.test(url)) return url;
  // A StepError: the steps that resolve URLs (http, graphql) report it as it is.
  if (!baseUrl) throw new StepError(`url "${url}" is relative but the step has no http resource with a base URL`);
  const queryAt = baseUrl.search(/[?#]/);
  if (queryAt < 0) return baseUrl.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
  const baseQuery = baseUrl.slice(queryAt).replace(/#.*$/, '').replace(/^\?/, '');
  const [path, ...rest] = url.split('?');
  const query = [baseQuery, rest.join('?')].filter(Boolean).join('&');
  return baseUrl.slice(0, queryAt).replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '') + (query ? `?${query}` : '');
}
