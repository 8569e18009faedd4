import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { loadConfig } from '../config/load-config';
import { EgressService } from '../egress/egress.service';
import { OUTBOUND_FAILURE, OutboundHttpError } from './http-client';
import { OutboundHttpClient } from './outbound-http.client';

/**
 * The client's deadline rule and error phrasing against servers started here on loopback: the
 * deadline covers the whole exchange (a body trickling faster than any idle timeout is still cut),
 * and every failure is an OutboundHttpError with a code, a URL-free reason and the tester's message.
 */
describe('OutboundHttpClient', () => {
  let server: http.Server;
  let base: string;
  const client = new OutboundHttpClient(new EgressService(loadConfig({ NODE_ENV: 'test' })), { maxSockets: 8, insecureMaxSockets: 2 });
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      switch (req.url) {
        case '/ok':
          return void res.writeHead(201, 'Made', { 'content-type': 'text/plain' }).end('hello');
        case '/trickle': {
          // Headers at once, then a byte every 20 ms for ever: never idle for long.
          res.writeHead(200, { 'content-type': 'text/plain' });
          const timer = setInterval(() => res.write('x'), 20);
          timers.add(timer);
          return void res.on('close', () => clearInterval(timer));
        }
        case '/big':
          return void res.writeHead(200).end(Buffer.alloc(10_000, 'a'));
        case '/big-gzip':
          return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(100_000, 'b')));
        case '/never':
          return; // holds the request
        default:
          return void res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const timer of timers) clearInterval(timer);
    client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = (path: string, more: Partial<Parameters<OutboundHttpClient['request']>[0]> = {}) =>
    client.request({ url: `${base}${path}`, method: 'GET', headers: {}, followRedirects: true, maxResponseBytes: 1024 * 1024, ...more });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(OutboundHttpError);
        return error as OutboundHttpError;
      },
    );

  it('answers with status, status text, headers and body; no signal is needed', async () => {
    const response = await get('/ok');
    expect(response).toMatchObject({ status: 201, statusText: 'Made', headers: { 'content-type': 'text/plain' } });
    expect(response.body.toString()).toBe('hello');
    expect(response.truncated).toBeUndefined();
  });

  it('cuts a body that keeps trickling at the deadline of the whole exchange', async () => {
    const started = Date.now();
    const error = await failure(get('/trickle', { timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(error).toMatchObject({ message: `request to ${base}/trickle timed out`, code: OUTBOUND_FAILURE.deadline, reason: 'timed out after 300 ms' });
  });

  it('words an abort by the caller’s signal with its reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('execution cancelled')), 50);
    const error = await failure(get('/never', { signal: controller.signal, timeoutMs: 5000 }));
    expect(error).toMatchObject({ message: `request to ${base}/never aborted: execution cancelled`, code: OUTBOUND_FAILURE.aborted, reason: 'aborted: execution cancelled' });
  });

  it('words a refused connection and an unparseable URL', async () => {
    expect(await failure(client.request({ url: 'http://127.0.0.1:1/x', method: 'GET', headers: {}, followRedirects: false, maxResponseBytes: 10 }))).toMatchObject({
      message: 'connection refused by http://127.0.0.1:1/x',
      code: 'ECONNREFUSED',
      reason: 'connection refused',
    });
    expect(await failure(client.request({ url: 'not a url', method: 'GET', headers: {}, followRedirects: false, maxResponseBytes: 10 }))).toMatchObject({
      message: 'request to not a url failed: Invalid URL',
      code: OUTBOUND_FAILURE.invalid,
      reason: 'Invalid URL',
    });
  });

  it('fails a body over the cap, or keeps its start when asked to truncate (decoded bytes counted)', async () => {
    expect(await failure(get('/big', { maxResponseBytes: 1000 }))).toMatchObject({
      message: `response from ${base}/big exceeds the 1000-byte limit`,
      code: OUTBOUND_FAILURE.tooLarge,
      reason: 'response exceeds the 1000-byte limit',
    });
    const cut = await get('/big', { maxResponseBytes: 1000, overLimit: 'truncate' });
    expect(cut).toMatchObject({ status: 200, truncated: true });
    expect(cut.body.toString()).toBe('a'.repeat(1000));
    const inflated = await get('/big-gzip', { maxResponseBytes: 2048, overLimit: 'truncate' });
    expect(inflated.body.toString()).toBe('b'.repeat(2048));
    // The truncated connections were closed, not pooled half-read: the next request is answered normally.
    expect((await get('/ok')).status).toBe(201);
  });
});
