import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

const LIMIT = 1024 * 1024; // HTTP_STEP_MAX_RESPONSE_BYTES for this drill
const HUGE = 100 * 1024 * 1024;

/**
 * Drill: HTTP steps against targets that never answer, answer one byte a second, or send 100 MB
 * (plain, with a declared length, and as a gzip bomb). Each step ends quickly with a clear error —
 * timed out, or cut at HTTP_STEP_MAX_RESPONSE_BYTES — and the worker stays healthy: readiness is
 * green and the next flow completes.
 */
describe('drill: slow and hostile HTTP targets', () => {
  let t: TestApp;
  let user: TestUser;
  let teamId: string;
  let target: http.Server;
  let base: string;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const sentBytes: Record<string, number> = {};
  let gzipBomb: Buffer;
  let trickleWithRequestTimeout: any;

  /** Streams `total` bytes with backpressure; stops when the client goes away. Records what was written. */
  function stream(name: string, res: http.ServerResponse, total: number, chunk: Buffer): void {
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        sentBytes[name] = sent;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (sent >= total) res.end();
    };
    pump();
  }

  beforeAll(async () => {
    gzipBomb = zlib.gzipSync(Buffer.alloc(HUGE), { level: 9 }); // ~100 KB on the wire
    const zeros = Buffer.alloc(64 * 1024, 'a');
    target = http.createServer((req, res) => {
      switch (req.url) {
        case '/never':
          return; // accepts the request, never answers
        case '/trickle-body': {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
          const timer = setInterval(() => res.write('x'), 1000);
          timers.add(timer);
          res.on('close', () => clearInterval(timer));
          return;
        }
        case '/trickle-headers': {
          const text = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok';
          let i = 0;
          const timer = setInterval(() => (i < text.length ? req.socket.write(text[i++]) : clearInterval(timer)), 1000);
          timers.add(timer);
          req.socket.on('close', () => clearInterval(timer));
          return;
        }
        case '/huge':
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          return stream('huge', res, HUGE, zeros);
        case '/huge-declared':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(HUGE) });
          return stream('huge-declared', res, HUGE, zeros);
        case '/gzip-bomb':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gzipBomb.length) });
          return void res.end(gzipBomb);
        case '/ok':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('{"ok":true}');
        default:
          res.writeHead(404).end();
      }
    });
    target.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    t = await startTestApp('drill_hostile', { env: { HTTP_STEP_MAX_RESPONSE_BYTES: String(LIMIT) } });
    ({ user, teamId } = await ownerWithTeam(t, 'hostile'));
  });
  afterAll(async () => {
    timers.forEach(clearInterval);
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => target?.close(resolve));
    await t?.close();
  });

  /** Runs a one-step flow against `path`; returns the finished execution and its wall time. */
  async function runAgainst(name: string, path: string, step: Record<string, unknown> = {}): Promise<{ execution: any; ms: number }> {
    const flowId = await createFlow(t, user, teamId, { name, steps: [noRetry({ name: 'call', type: 'http', config: { url: `${base}${path}` }, ...step })] });
    const started = Date.now();
    const run = await runFlow(t, user, teamId, flowId);
    const execution = await waitForExecution(t, user, teamId, run.id, 20_000);
    return { execution, ms: Date.now() - started };
  }

  it('ends every hostile call with a clear error, in bounded time, and keeps the worker healthy', async () => {
    const rssBefore = process.memoryUsage().rss;
    const cases = await Promise.all([
      runAgainst('never, step timeout', '/never', { timeoutMs: 1500 }),
      runAgainst('never, request timeout', '/never', { config: { url: `${base}/never`, timeoutMs: 1000 } }),
      runAgainst('trickling body', '/trickle-body', { timeoutMs: 2500 }),
      runAgainst('trickling headers', '/trickle-headers', { timeoutMs: 2500 }),
      runAgainst('100 MB', '/huge'),
      runAgainst('100 MB declared', '/huge-declared'),
      runAgainst('gzip bomb', '/gzip-bomb'),
      runAgainst('trickling body, request timeout', '/trickle-body', { timeoutMs: 4000, config: { url: `${base}/trickle-body`, timeoutMs: 1500 } }),
    ]);
    const [neverStep, neverRequest, trickleBody, trickleHeaders, huge, hugeDeclared, bomb, trickleRequest] = cases.map((c) => c.execution);
    for (const { execution, ms } of cases) {
      expect(execution.status).toBe('FAILED');
      expect(execution.steps[0].status).toBe('ERROR');
      expect(ms).toBeLessThan(10_000);
    }
    expect(neverStep.steps[0].error).toBe('step timed out after 1500 ms');
    expect(neverRequest.steps[0].error).toMatch(/timed out/);
    expect(trickleBody.steps[0].error).toBe('step timed out after 2500 ms');
    expect(trickleHeaders.steps[0].error).toBe('step timed out after 2500 ms');
    trickleWithRequestTimeout = trickleRequest;
    expect(trickleRequest.steps[0].error).toMatch(/timed out/); // bounded — by the step timeout, see the known issue below
    for (const capped of [huge, hugeDeclared, bomb]) expect(capped.steps[0].error).toMatch(new RegExp(`exceeds the ${LIMIT}-byte limit`));
    // The cut happens while reading: the target could not push the whole 100 MB.
    expect(sentBytes.huge).toBeLessThan(HUGE / 2);
    expect(sentBytes['huge-declared']).toBeLessThan(HUGE / 2);
    // Nothing of the oversized bodies was kept.
    expect(JSON.stringify(huge.steps[0].response ?? null).length).toBeLessThan(10_000);
    console.log(`hostile targets: RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB; bytes the 100 MB targets got out: ${JSON.stringify(sentBytes)}; errors: ${JSON.stringify(cases.map((c) => c.execution.steps[0].error))}`);

    await t.http.get('/health/ready').expect(200);
    const after = await runAgainst('healthy again', '/ok', { assertions: [{ path: 'body.ok', operator: 'equals', expected: true }] });
    expect(after.execution.status).toBe('COMPLETED');
  }, 60_000);

  // config.timeoutMs is a deadline on the whole exchange (src/outbound-http/): a body trickling one
  // byte a second is cut at it, not at the step timeout (an idle timeout, as axios had, never fires).
  it('config.timeoutMs bounds a trickling response, not only the step timeout', () => {
    expect(trickleWithRequestTimeout.steps[0].error).toMatch(/^request to .* timed out$/);
    expect(trickleWithRequestTimeout.steps[0].durationMs).toBeLessThan(3000);
  });
});
