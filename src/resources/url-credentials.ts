import { MASKED } from './secret-fields';

/**
 * Query parameters whose values are credentials (`?token=`, `access_token`, `api_key`, `apikey`, `key`,
 * `sig`, `signature`, `X-Amz-Signature`, `password`, `client_secret`, ...): one of these words, alone
 * or as the last part after `-`, `_` or `.`, in any case.
 */
const SECRET_QUERY_PARAM = /^(?:.*[-_.])?(?:token|apikey|key|sig|signature|password|passwd|pwd|secret|credential|credentials)$/i;

export function isSecretQueryParam(name: string): boolean {
  return SECRET_QUERY_PARAM.test(name);
}

interface QueryParam {
  name: string;
  /** As written in the URL (percent-encoded). */
  raw: string;
  decoded: string;
}

interface UrlCredentials {
  username: string;
  password: string;
  params: QueryParam[];
}

/** Percent-decodes; in a query (`form`) a `+` is a space, in userinfo it is a plus. */
function safeDecode(text: string, form = false): string {
  try {
    return decodeURIComponent(form ? text.replace(/\+/g, ' ') : text);
  } catch {
    return text;
  }
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Userinfo and credential-carrying query parameters of a URL (empty when it is not a URL). */
export function urlCredentials(url: string): UrlCredentials {
  const parsed = parse(url);
  if (!parsed) return { username: '', password: '', params: [] };
  const params = parsed.search
    .slice(1)
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? undefined : { name: safeDecode(pair.slice(0, at), true), raw: pair.slice(at + 1), decoded: safeDecode(pair.slice(at + 1), true) };
    })
    .filter((p): p is QueryParam => !!p && p.raw !== '' && isSecretQueryParam(p.name));
  return { username: parsed.username, password: parsed.password, params };
}

export function hasUrlCredentials(url: string): boolean {
  const found = urlCredentials(url);
  return !!found.username || !!found.password || found.params.length > 0;
}

/**
 * The URL with its userinfo and credential parameters replaced by `***`; other parameters keep their
 * exact spelling. Idempotent, so a masked URL sent back unchanged is recognised.
 */
export function maskUrlCredentials(url: string): string {
  const parsed = parse(url);
  if (!parsed) return url;
  if (parsed.username) parsed.username = MASKED;
  if (parsed.password) parsed.password = MASKED;
  if (parsed.search) {
    parsed.search = parsed.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const at = pair.indexOf('=');
        return at > 0 && pair.length > at + 1 && isSecretQueryParam(safeDecode(pair.slice(0, at), true)) ? `${pair.slice(0, at)}=${MASKED}` : pair;
      })
      .join('&');
  }
  return parsed.href;
}

/**
 * The credential strings inside a URL, in every form a request or an error message may show them:
 * password, the user name when it stands alone (a token as user), parameter values raw and decoded,
 * and the Basic header value the userinfo becomes.
 */
export function urlSecretParts(url: string): string[] {
  const { username, password, params } = urlCredentials(url);
  const parts: string[] = [];
  if (password) parts.push(password, safeDecode(password));
  else if (username) parts.push(username, safeDecode(username));
  if (username || password) parts.push(Buffer.from(`${safeDecode(username)}:${safeDecode(password)}`).toString('base64'));
  for (const param of params) parts.push(param.raw, param.decoded);
  return parts;
}
