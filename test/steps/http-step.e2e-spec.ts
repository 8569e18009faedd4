import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { HttpStep } from '../../src/integrations/http/http.step';
import type { HttpStepConfig } from '../../src/integrations/http/http-step.config';
import { StepError } from '../../src/steps/step-plugin';
import { loadConfig } from '../../src/config/load-config';
import { EgressService } from '../../src/egress/egress.service';
import { createResource } from '../resources/resource-helpers';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { stepContext } from './step-test-support';

const LIMIT = 64 * 1024; // HTTP_STEP_MAX_RESPONSE_BYTES of this file's app

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A local target with raw control over every answer. `/…/echo…` answers with what it received; the
 * other routes redirect, compress, send text or nothing, fail, or never answer. It tracks its
 * connections, so tests can see keep-alive reuse and sockets closed by the client.
 */
async function startTarget() {
  const sockets = new Set<Socket>();
  let connections = 0;
  const closed: Socket[] = [];
  const payload = JSON.stringify({ id: 'o-1', note: 'décodé' });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      const redirect = /^\/redirect\/(\d{3})$/.exec(path);
      const chain = /^\/chain\/(\d+)$/.exec(path);
      if (path.includes('/echo')) {
        const echo: Echo = { method: req.method!, url: req.url!, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') };
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }).end(JSON.stringify(echo));
      } else if (redirect) {
        res.writeHead(Number(redirect[1]), { location: url.searchParams.get('to') ?? `/echo/after-${redirect[1]}`, 'content-type': 'text/plain' }).end('moved');
      } else if (chain) {
        const n = Number(chain[1]);
        if (n > 0) res.writeHead(302, { location: `/chain/${n - 1}` }).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"end":true}');
      } else {
        switch (path) {
          case '/cross':
            return void res.writeHead(302, { location: `http://localhost:${port}/echo/cross` }).end();
          case '/loop':
            return void res.writeHead(302, { location: '/loop' }).end();
          case '/gzip':
            return void res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zlib.gzipSync(payload));
          case '/deflate':
            return void res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' }).end(zlib.deflateSync(payload));
          case '/deflate-raw':
            return void res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'deflate' }).end(zlib.deflateRawSync('raw deflate ok'));
          case '/br':
            return void res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' }).end(zlib.brotliCompressSync(payload));
          case '/text':
            return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('plain [text] ü');
          case '/binary':
            return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0x61, 0x00, 0x62, 0xff, 0x63]));
          case '/looks-json':
            return void res.writeHead(200, { 'content-type': 'text/plain' }).end(' {"a":[1]}');
          case '/empty':
            return void res.writeHead(200, { 'content-type': 'application/json' }).end();
          case '/no-content':
            return void res.writeHead(204).end();
          case '/boom':
            return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
          case '/exact':
            return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(LIMIT, 'a'));
          case '/too-big':
            return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(LIMIT + 1, 'a'));
          case '/gzip-bomb':
            return void res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(10 * LIMIT)));
          case '/never':
            return; // accepts, never answers
          default:
            res.writeHead(404).end();
        }
      }
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed.push(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    get closed() {
      return closed.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** HTTP steps run as flows through the API, queue and worker, against local node:http targets. */
describe('http step (API → worker → local HTTP targets)', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let target: Awaited<ReturnType<typeof startTarget>>;
  let base: string;

  beforeAll(async () => {
    target = await startTarget();
    base = target.url;
    t = await startTestApp('http_step', { env: { HTTP_STEP_MAX_RESPONSE_BYTES: String(LIMIT) } });
    ({ user, teamId } = await ownerWithTeam(t, 'http-step'));
  });
  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  /** Runs the steps as one flow (no retries) and returns the finished execution. */
  async function runSteps(name: string, steps: Array<Record<string, unknown>>): Promise<any> {
    const flowId = await createFlow(t, user, teamId, { name, steps: steps.map(noRetry) });
    return waitForExecution(t, user, teamId, (await runFlow(t, user, teamId, flowId)).id);
  }

  /** One HTTP step that must succeed; returns its result. */
  async function result(name: string, config: Record<string, unknown>): Promise<any> {
    const execution = await runSteps(name, [{ name: 'call', type: 'http', config }]);
    if (execution.status !== 'COMPLETED') throw new Error(`${name}: ${execution.status} ${execution.steps[0].error}`);
    return execution.steps[0].response;
  }

  /** One HTTP step that must fail; returns its error. */
  async function failure(name: string, config: Record<string, unknown>, step: Record<string, unknown> = {}): Promise<{ error: string; durationMs: number }> {
    const execution = await runSteps(name, [{ name: 'call', type: 'http', config, ...step }]);
    expect(execution.status).toBe('FAILED');
    expect(execution.steps[0].status).toBe('ERROR');
    return execution.steps[0];
  }

  it('GET merges `query` into the URL’s own query string and sends the default headers', async () => {
    const r = await result('get with query', {
      url: `${base}/echo/q?existing=1&enc=a%20b#fragment`,
      query: { page: 2, active: true, q: 'x y&z=1' },
      headers: { 'X-Request-Id': 'req-1' },
    });
    expect(r.status).toBe(200);
    expect(r.body.method).toBe('GET');
    // The URL's own query stays first, byte for byte; the step's pairs follow (in the key order the
    // stored flow definition gives them: jsonb reorders object keys).
    const [, added] = /^\/echo\/q\?existing=1&enc=a%20b&(.*)$/.exec(r.body.url) ?? [];
    expect(added?.split('&').sort()).toEqual(['active=true', 'page=2', 'q=x+y%26z%3D1']);
    expect(r.body.headers).toMatchObject({
      'x-request-id': 'req-1',
      accept: 'application/json, text/plain, */*',
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': 'async-testing-service',
      host: `127.0.0.1:${target.port}`,
    });
    expect(r.body.headers['content-type']).toBeUndefined();
    expect(r.body.headers['content-length']).toBeUndefined();
    expect(r.body.body).toBe('');
    // Result shape: flattened lower-case headers (set-cookie joined), decoded size, duration.
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['set-cookie']).toBe('a=1, b=2');
    expect(r.size).toBe(Buffer.byteLength(JSON.stringify(r.body)));
    expect(Number.isInteger(r.durationMs)).toBe(true);
  });

  it('POST sends a JSON body as application/json with its byte length; step headers are lower-cased and win', async () => {
    const r = await result('post json', { url: `${base}/echo/orders`, method: 'post', headers: { 'X-Trace': ' t-1\n', Accept: 'text/plain' }, body: { sku: 'A-1', qty: 2, note: 'é' } });
    expect(r.body).toMatchObject({ method: 'POST', url: '/echo/orders' });
    expect(JSON.parse(r.body.body)).toEqual({ sku: 'A-1', qty: 2, note: 'é' });
    const compact = JSON.stringify({ sku: 'A-1', qty: 2, note: 'é' });
    expect(r.body.body).toHaveLength(compact.length); // compact JSON, whatever the key order
    expect(r.body.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(compact)), 'x-trace': 't-1', accept: 'text/plain' });
    expect(Buffer.byteLength(compact)).toBe(compact.length + 1); // bytes, not characters: é is two
  });

  it('sends text bodies verbatim: with the step’s content-type, else as a form for POST (as before)', async () => {
    const [typed, untyped, jsonText, put] = await Promise.all([
      result('post text', { url: `${base}/echo/text`, method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'plain text é' }),
      result('post form text', { url: `${base}/echo/form`, method: 'POST', body: 'a=1&b=2' }),
      result('post json text', { url: `${base}/echo/json-text`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"malformed": ' }),
      result('put json', { url: `${base}/echo/put`, method: 'PUT', body: [1, 'two'] }),
    ]);
    expect(typed.body).toMatchObject({ method: 'POST', body: 'plain text é' });
    expect(typed.body.headers).toMatchObject({ 'content-type': 'text/plain', 'content-length': '13' });
    expect(untyped.body).toMatchObject({ body: 'a=1&b=2' });
    expect(untyped.body.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // Malformed JSON text goes out as written (axios re-encoded it as a JSON string), e.g. to test a 400.
    expect(jsonText.body).toMatchObject({ body: '{"malformed": ' });
    expect(jsonText.body.headers['content-type']).toBe('application/json');
    expect(put.body).toMatchObject({ method: 'PUT', body: '[1,"two"]' });
  });

  it('uses an http resource: base URL, default headers, auth; step headers override resource headers', async () => {
    const resourceId = await createResource(t, user, teamId, {
      name: 'orders-api',
      type: 'http',
      config: { baseUrl: `${base}/api/v2/`, headers: { 'X-Tenant': 'acme', Accept: 'application/xml', 'Content-Type': 'application/vnd.orders+json' }, auth: { type: 'bearer', token: 'resource-token-123' } },
    });
    const execution = await runSteps('resource', [
      { name: 'relative', type: 'http', config: { resourceId, url: '/echo/orders', query: { page: 1 }, headers: { accept: 'text/csv' } } },
      { name: 'post', type: 'http', config: { resourceId, url: 'echo/orders', method: 'POST', body: { a: 1 } } },
      { name: 'absolute', type: 'http', config: { resourceId, url: `${base}/echo/absolute` } },
    ]);
    expect(execution.status).toBe('COMPLETED');
    const [relative, post, absolute] = execution.steps.map((s: any) => s.response.body);
    // The target echoes the token; the stored response carries it redacted (#14 item 5).
    const authorization = 'Bearer [REDACTED]';
    expect(relative.url).toBe('/api/v2/echo/orders?page=1');
    expect(relative.headers).toMatchObject({ 'x-tenant': 'acme', accept: 'text/csv', authorization });
    // The resource's content-type is a default like the others: a JSON body does not replace it.
    expect(post).toMatchObject({ method: 'POST', url: '/api/v2/echo/orders', body: '{"a":1}' });
    expect(post.headers).toMatchObject({ 'content-type': 'application/vnd.orders+json', accept: 'application/xml', authorization });
    expect(absolute.url).toBe('/echo/absolute');
    // An absolute URL on the resource's own origin gets its headers and auth too.
    expect(absolute.headers).toMatchObject({ 'x-tenant': 'acme', authorization });
    expect(JSON.stringify(execution)).not.toContain('resource-token-123');
  });

  it('follows each redirect code with the method and body rules of browsers and follow-redirects', async () => {
    const post = (code: number, method = 'POST') => ({
      url: `${base}/redirect/${code}`,
      method,
      headers: { Authorization: 'Bearer same-origin', Cookie: 'session=1' },
      body: { order: code },
    });
    const [r301, r302, r303, r307, r308, put302, put303] = await Promise.all([
      result('301', post(301)),
      result('302', post(302)),
      result('303', post(303)),
      result('307', post(307)),
      result('308', post(308)),
      result('302 put', post(302, 'PUT')),
      result('303 put', post(303, 'PUT')),
    ]);
    for (const [code, r] of [[301, r301], [302, r302], [303, r303], [303, put303]] as const) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ method: 'GET', url: `/echo/after-${code}`, body: '' });
      expect(r.body.headers['content-type']).toBeUndefined();
      expect(r.body.headers['content-length']).toBeUndefined();
      // Same origin: credentials stay.
      expect(r.body.headers).toMatchObject({ authorization: 'Bearer same-origin', cookie: 'session=1' });
    }
    for (const [code, r] of [[307, r307], [308, r308]] as const) {
      expect(r.body).toMatchObject({ method: 'POST', url: `/echo/after-${code}`, body: `{"order":${code}}` });
      expect(r.body.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': '13', authorization: 'Bearer same-origin' });
    }
    expect(put302.body).toMatchObject({ method: 'PUT', url: '/echo/after-302', body: '{"order":302}' });
  });

  it('resolves a relative Location against the current URL', async () => {
    const r = await result('relative location', { url: `${base}/redirect/302?to=${encodeURIComponent('echo/relative?x=1')}` });
    expect(r.body.url).toBe('/redirect/echo/relative?x=1');
  });

  it('drops Authorization and Cookie when a redirect leads to another host', async () => {
    const r = await result('cross host', { url: `${base}/cross`, headers: { Authorization: 'Bearer secret', Cookie: 'session=1', 'X-Keep': 'kept' } });
    expect(r.body.url).toBe('/echo/cross');
    expect(r.body.headers.host).toBe(`localhost:${target.port}`);
    expect(r.body.headers['x-keep']).toBe('kept');
    expect(r.body.headers.authorization).toBeUndefined();
    expect(r.body.headers.cookie).toBeUndefined();
  });

  it('with followRedirects false the 3xx is the result', async () => {
    const r = await result('no follow', { url: `${base}/redirect/302`, followRedirects: false });
    expect(r).toMatchObject({ status: 302, body: 'moved', size: 5 });
    expect(r.headers.location).toBe('/echo/after-302');
  });

  it('follows five redirects, and fails clearly on the sixth or on a loop', async () => {
    const [five, six, loop] = await Promise.all([
      result('five redirects', { url: `${base}/chain/5` }),
      failure('six redirects', { url: `${base}/chain/6` }),
      failure('redirect loop', { url: `${base}/loop` }),
    ]);
    expect(five).toMatchObject({ status: 200, body: { end: true } });
    expect(six.error).toBe(`too many redirects from ${base}/chain/6`);
    expect(loop.error).toBe(`too many redirects from ${base}/loop`);
  });

  it('decodes gzip, deflate (zlib and raw) and br bodies; size counts decoded bytes', async () => {
    const payload = { id: 'o-1', note: 'décodé' };
    const payloadBytes = Buffer.byteLength(JSON.stringify(payload));
    const [gzip, deflate, raw, br] = await Promise.all(['/gzip', '/deflate', '/deflate-raw', '/br'].map((path) => result(`decode ${path}`, { url: `${base}${path}` })));
    for (const r of [gzip, deflate, br]) {
      expect(r).toMatchObject({ status: 200, body: payload, size: payloadBytes });
      expect(r.headers['content-encoding']).toBeUndefined();
    }
    expect(raw).toMatchObject({ body: 'raw deflate ok', size: 14 });
  });

  it('returns text as text, JSON-looking text parsed, and an empty body as null', async () => {
    const [text, looksJson, empty, noContent] = await Promise.all(['/text', '/looks-json', '/empty', '/no-content'].map((path) => result(`body ${path}`, { url: `${base}${path}` })));
    expect(text).toMatchObject({ status: 200, body: 'plain [text] ü', size: 15 });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(looksJson.body).toEqual({ a: [1] });
    expect(empty).toMatchObject({ status: 200, body: null, size: 0 });
    expect(noContent).toMatchObject({ status: 204, body: null, size: 0 });
  });

  it('stores a binary body (NUL bytes, invalid UTF-8) with U+FFFD in their place instead of failing the run', async () => {
    const binary = await result('body /binary', { url: `${base}/binary` });
    expect(binary).toMatchObject({ status: 200, body: 'a\ufffdb\ufffdc', size: 5 });
    // A failed assertion quoting that body is stored too (its message lands in text columns).
    const failed = await runSteps('binary assertion', [{ name: 'call', type: 'http', config: { url: `${base}/binary` }, assertions: [{ path: 'body', operator: 'equals', expected: 'x' }] }]);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/^step "call" failed: assertion failed: body: expected "x" but was "a/);
    expect(failed.steps[0]).toMatchObject({ status: 'ERROR', response: { body: 'a\ufffdb\ufffdc' } });
  });

  it('a 500 is a result the flow can assert on, not a step error', async () => {
    const execution = await runSteps('server error', [{ name: 'boom', type: 'http', config: { url: `${base}/boom` }, assertions: [{ path: 'status', operator: 'equals', expected: 500 }, { path: 'body.error', operator: 'equals', expected: 'boom' }] }]);
    expect(execution.status).toBe('COMPLETED');
    expect(execution.steps[0]).toMatchObject({ status: 'SUCCESS', error: null });
    expect(execution.steps[0].response).toMatchObject({ status: 500, body: { error: 'boom' }, size: 16 });
  });

  it('names a refused connection', async () => {
    expect((await failure('refused', { url: 'http://127.0.0.1:1/orders' })).error).toBe('connection refused by http://127.0.0.1:1/orders');
  });

  it('enforces HTTP_STEP_MAX_RESPONSE_BYTES on raw and decompressed bytes, at the exact limit', async () => {
    const [exact, tooBig, bomb] = await Promise.all([
      result('exact limit', { url: `${base}/exact` }),
      failure('one byte over', { url: `${base}/too-big` }),
      failure('gzip bomb', { url: `${base}/gzip-bomb` }),
    ]);
    expect(exact).toMatchObject({ status: 200, size: LIMIT });
    expect(tooBig.error).toBe(`response from ${base}/too-big exceeds the ${LIMIT}-byte limit`);
    expect(bomb.error).toBe(`response from ${base}/gzip-bomb exceeds the ${LIMIT}-byte limit`);
  });

  it('config.timeoutMs is a deadline for the whole request; the socket is closed, not pooled', async () => {
    const closedBefore = target.closed;
    const timedOut = await failure('request timeout', { url: `${base}/never`, timeoutMs: 300 });
    expect(timedOut.error).toBe(`request to ${base}/never timed out`);
    expect(timedOut.durationMs).toBeLessThan(2000);
    await eventually(() => target.closed > closedBefore);
  });

  it('the step timeout aborts the request and closes its socket', async () => {
    const closedBefore = target.closed;
    const aborted = await failure('step timeout', { url: `${base}/never` }, { timeoutMs: 300 });
    expect(aborted.error).toBe('step timed out after 300 ms');
    await eventually(() => target.closed > closedBefore);
  });

  it('reuses one keep-alive connection across chained steps, redirects included', async () => {
    const own = await startTarget();
    try {
      const execution = await runSteps('keep-alive', [
        { name: 'a', type: 'http', config: { url: `${own.url}/echo/a` } },
        { name: 'b', type: 'http', config: { url: `${own.url}/redirect/302` } },
        { name: 'c', type: 'http', config: { url: `${own.url}/echo/c`, method: 'POST', body: { n: 1 } } },
        { name: 'd', type: 'http', config: { url: `${own.url}/gzip` } },
      ]);
      expect(execution.status).toBe('COMPLETED');
      expect(execution.steps[1].response.body.url).toBe('/echo/after-302');
      expect(own.connections).toBe(1);
      expect(own.open).toBe(1);
    } finally {
      await own.close();
    }
  });
});

/** The plugin called directly, for what a flow cannot observe: abort wording and released listeners. */
describe('http step (plugin called directly)', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  const config = Object.assign(loadConfig({ NODE_ENV: 'test' }), { HTTP_STEP_MAX_RESPONSE_BYTES: LIMIT });
  const step = new HttpStep(config, new EgressService(config));

  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    step.onModuleDestroy();
    await target.close();
  });

  it('names an abort by the step signal with its reason, and closes the socket', async () => {
    const ctx = stepContext<HttpStepConfig>({ url: `${target.url}/never` });
    const closedBefore = target.closed;
    setTimeout(() => ctx.abort(new Error('execution cancelled')), 100);
    await expect(step.run(ctx)).rejects.toThrow(new StepError(`request to ${target.url}/never aborted: execution cancelled`));
    await eventually(() => target.closed > closedBefore);
  });

  it('leaves no listener on the step signal after success, HTTP errors, limits and timeouts', async () => {
    const cases: HttpStepConfig[] = [
      { url: `${target.url}/echo/x`, timeoutMs: 5000 },
      { url: `${target.url}/redirect/307`, method: 'POST', body: { a: 1 } },
      { url: `${target.url}/boom` },
      { url: `${target.url}/gzip-bomb` },
      { url: `${target.url}/never`, timeoutMs: 100 },
      { url: 'http://127.0.0.1:1/refused' },
    ];
    for (const config of cases) {
      const ctx = stepContext(config);
      const before = getEventListeners(ctx.signal, 'abort').length;
      await step.run(ctx).catch(() => undefined);
      expect(getEventListeners(ctx.signal, 'abort').length).toBe(before);
    }
  });
});
