import { startFakeLoki, type FakeLoki } from '../../../test/support/fake-loki-server';
import { buildLogQuery } from './logql-builder';
import { resolveTimeRange } from './loki-time-range';
import { parseQueryRangeResponse } from './query-range-response';

/**
 * The pure Loki pieces against the contract fake (test/support/fake-loki-server.ts), over real HTTP:
 * the builder's escaping must survive a real LogQL parser, and the parser must read what the server
 * sends. The fake is started once per file; each test uses its own stream labels.
 */

const T0 = Date.parse('2026-05-01T12:00:00.000Z');
const TENANT = 'team-a';

let loki: FakeLoki;

beforeAll(async () => {
  loki = await startFakeLoki({ requireTenant: TENANT });
});
afterAll(async () => {
  await loki.close();
});

async function queryRange(params: Record<string, string>, headers: Record<string, string> = { 'X-Scope-OrgID': TENANT }): Promise<Response> {
  return fetch(`${loki.url}/loki/api/v1/query_range?${new URLSearchParams(params)}`, { headers });
}

describe('fake Loki contract', () => {
  const hostileApp = 'pay"ments\\svc\n{x="y"}';
  const hostileLine = 'ERROR order "o-1" failed: C:\\tmp\\x\ttab ünï ☃';

  beforeAll(() => {
    loki.push({ app: hostileApp, namespace: 'prod' }, [
      { tsMs: T0 + 1, line: hostileLine },
      { tsMs: T0 + 2, line: 'INFO order "o-1" ok' },
      { tsMs: T0 + 3, line: 'ERROR order "o-2" failed: healthcheck' },
      { tsMs: T0 + 4, line: 'ERROR multi\nline "o-3"' },
      { tsMs: T0 - 60_000, line: 'ERROR before the window' },
    ]);
    // Same labels except the escaped characters: must not be selected.
    loki.push({ app: 'payments\\svc', namespace: 'prod' }, [{ tsMs: T0 + 5, line: 'ERROR wrong stream' }]);
    loki.push({ app: 'pay"ments', namespace: 'prod' }, [{ tsMs: T0 + 6, line: 'ERROR wrong stream' }]);
  });

  it('returns exactly the matching lines of a query with hostile values', async () => {
    const query = buildLogQuery({
      labels: { app: hostileApp },
      namespace: 'prod',
      containsPatterns: ['ERROR', 'failed: C:\\tmp\\x\ttab'],
      notContainsPatterns: ['healthcheck'],
      regexPatterns: ['ünï [☃]'],
    });
    const { startNs, endNs } = resolveTimeRange({ relative: '5m' }, T0 + 60_000, T0);
    const res = await queryRange({ query, start: startNs, end: endNs, limit: '100', direction: 'backward' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const result = parseQueryRangeResponse(await res.json(), 'backward');
    expect(result.logLines).toEqual([
      { timestamp: new Date(T0 + 1).toISOString(), timestampNs: `${T0 + 1}000000`, line: hostileLine, labels: { app: hostileApp, namespace: 'prod' } },
    ]);
    expect(result.matchCount).toBe(1);
    expect(result.scannedBytes).toBeGreaterThan(0);
    expect(loki.requests.at(-1)).toMatchObject({ path: '/loki/api/v1/query_range', query, tenant: TENANT });
  });

  it('matches a line with an embedded newline and quotes', async () => {
    const query = buildLogQuery({ labels: { app: hostileApp }, containsPatterns: ['multi\nline "o-3"'] });
    const res = await queryRange({ query, start: `${T0}000000`, end: `${T0 + 10}000000` });
    expect(parseQueryRangeResponse(await res.json()).logLines.map((l) => l.line)).toEqual(['ERROR multi\nline "o-3"']);
  });

  it('orders by direction, applies limit across the result and keeps start inclusive, end exclusive', async () => {
    const query = buildLogQuery({ labels: { app: hostileApp } });
    const window = { start: `${T0 + 1}000000`, end: `${T0 + 4}000000` };
    const backward = parseQueryRangeResponse(await (await queryRange({ query, ...window })).json());
    expect(backward.logLines.map((l) => l.timestampNs)).toEqual([`${T0 + 3}000000`, `${T0 + 2}000000`, `${T0 + 1}000000`]);
    const forward = parseQueryRangeResponse(await (await queryRange({ query, ...window, direction: 'FORWARD', limit: '2' })).json(), 'forward');
    expect(forward.logLines.map((l) => l.timestampNs)).toEqual([`${T0 + 1}000000`, `${T0 + 2}000000`]);
  });

  it('reads RFC 3339 and seconds timestamps as Loki does', async () => {
    const query = buildLogQuery({ labels: { app: hostileApp }, containsPatterns: ['before the window'] });
    const seconds = String(Math.floor((T0 - 120_000) / 1000));
    const res = await queryRange({ query, start: seconds, end: new Date(T0).toISOString() });
    expect(parseQueryRangeResponse(await res.json()).logLines.map((l) => l.line)).toEqual(['ERROR before the window']);
  });

  it('answers a raw, unescaped query with a 400 plain-text parse error', async () => {
    const raw = `{app="${hostileApp}"}`; // what the seed's string interpolation would send
    const res = await queryRange({ query: raw, start: `${T0}000000`, end: `${T0 + 10}000000` });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toMatch(/^parse error at line 1, col \d+: /);
  });

  it.each([
    ['{app=""}', /^parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value/],
    ['{app=~".*"}', /empty-compatible value/],
    ['{app="a"} |= "bad \\d escape"', /^parse error at line 1, col \d+: invalid char escape/],
    ["{app='a'}", /^parse error at line 1, col 6: syntax error: unexpected '/],
    ['{app="a"} |~ "("', /^parse error : error parsing regexp: /],
    ['{}', /^parse error at line 1, col 2: syntax error: unexpected }/],
    ['', /^parse error : syntax error: unexpected \$end/],
  ])('refuses %s with 400', async (query, message) => {
    const res = await queryRange({ query, start: `${T0}000000`, end: `${T0 + 10}000000` });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(message);
  });

  it('accepts backtick strings and the other matcher operators, with anchored RE2 matchers', async () => {
    const window = { start: `${T0}000000`, end: `${T0 + 10}000000` };
    const res = await queryRange({ query: '{namespace="prod", app=~`(?s)pay.*`, app!~"payments.*"} !~ `wrong|healthcheck` |= `ERROR`', ...window });
    const lines = parseQueryRangeResponse(await res.json()).logLines.map((l) => l.line);
    expect(lines).toEqual(['ERROR multi\nline "o-3"', hostileLine]);
    // Without (?s), "." does not cross the newline in the label value, and =~ is fully anchored.
    const anchored = await queryRange({ query: '{app=~"pay.*"} |= "ERROR"', ...window });
    expect(parseQueryRangeResponse(await anchored.json()).logLines.map((l) => l.labels.app)).toEqual(['pay"ments', 'payments\\svc']);
  });

  it.each([
    [{ direction: 'sideways' }, "invalid direction 'sideways'"],
    [{ limit: '5001' }, 'max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)'],
    [{ limit: '0' }, 'limit must be a positive value'],
    [{ start: `${T0}000000`, end: `${T0}000000` }, 'end timestamp must not be before or equal to start time'],
  ])('refuses bad parameters %j', async (params, message) => {
    const res = await queryRange({ query: '{app="a"}', start: `${T0}000000`, end: `${T0 + 10}000000`, ...params });
    expect(res.status).toBe(400);
    expect((await res.text()).trim()).toBe(message);
  });

  it('needs X-Scope-OrgID, and another tenant sees no data', async () => {
    const query = buildLogQuery({ labels: { app: hostileApp } });
    const params = { query, start: `${T0}000000`, end: `${T0 + 10}000000` };
    const missing = await queryRange(params, {});
    expect(missing.status).toBe(401);
    expect((await missing.text()).trim()).toBe('no org id');
    const other = await queryRange(params, { 'X-Scope-OrgID': 'team-b' });
    expect(other.status).toBe(200);
    expect(parseQueryRangeResponse(await other.json()).logLines).toEqual([]);
  });

  it('sends the documented body shape with stats', async () => {
    const query = buildLogQuery({ labels: { app: hostileApp }, containsPatterns: ['"o-1" ok'] });
    const body = (await (await queryRange({ query, start: `${T0}000000`, end: `${T0 + 10}000000` })).json()) as Record<string, any>;
    expect(body).toMatchObject({
      status: 'success',
      data: {
        resultType: 'streams',
        result: [{ stream: { app: hostileApp, namespace: 'prod' }, values: [[`${T0 + 2}000000`, 'INFO order "o-1" ok']] }],
        stats: { summary: { totalEntriesReturned: 1, totalLinesProcessed: 4, totalPostFilterLines: 1 } },
      },
    });
    expect(body.data.stats.summary.totalBytesProcessed).toBe(
      [hostileLine, 'INFO order "o-1" ok', 'ERROR order "o-2" failed: healthcheck', 'ERROR multi\nline "o-3"'].reduce((n, l) => n + Buffer.byteLength(l), 0),
    );
  });

  it('refuses log queries on the instant endpoint, like Loki 3.2+', async () => {
    const res = await fetch(`${loki.url}/loki/api/v1/query?${new URLSearchParams({ query: '{app="a"}' })}`, { headers: { 'X-Scope-OrgID': TENANT } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^log queries are not supported as an instant query type/);
  });

  it('answers /ready', async () => {
    const res = await fetch(`${loki.url}/ready`);
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe('ready');
  });
});

describe('fake Loki behind a bearer-token proxy', () => {
  it('refuses API calls without the token and serves them with it', async () => {
    const proxied = await startFakeLoki({ bearerToken: 's3cret' });
    try {
      proxied.push({ app: 'a' }, [{ tsMs: T0, line: 'hello' }]);
      const url = `${proxied.url}/loki/api/v1/query_range?${new URLSearchParams({ query: '{app="a"}', start: `${T0}000000`, end: `${T0 + 1}000000` })}`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(url, { headers: { Authorization: 'Bearer s3cret' } });
      expect(ok.status).toBe(200);
      expect(parseQueryRangeResponse(await ok.json()).logLines.map((l) => l.line)).toEqual(['hello']);
      // Without requireTenant the header is optional (auth_enabled: false).
      expect(proxied.requests.at(-1)?.tenant).toBeNull();
    } finally {
      await proxied.close();
    }
  });
});
