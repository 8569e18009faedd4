import { StepError, type StepContext, type StepResource } from '../../src/steps/step-plugin';
import type { LokiResourceConfig } from '../../src/integrations/loki/loki-resource-config.dto';
import { LokiStep } from '../../src/integrations/loki/loki.step';
import type { LokiStepConfig } from '../../src/integrations/loki/loki-step.config';
import { startFakeLoki, type FakeLoki } from '../support/fake-loki-server';
import { loadConfig } from '../../src/config/load-config';
import { EgressService } from '../../src/egress/egress.service';

/**
 * The Loki step's `run` against the Loki contract fake (test/support/fake-loki-server.ts: Loki's
 * query_range API with its own LogQL parser and Go string unquoting, multi-tenant like Loki with
 * auth_enabled). No Loki build can be installed here; docker-compose runs a real one for users.
 * Each test uses its own stream labels, so tests do not see each other's lines.
 */

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';
const TENANT = 'team-orders';

let step: LokiStep;
let loki: FakeLoki;

beforeAll(async () => {
  step = new LokiStep(new EgressService(loadConfig({ NODE_ENV: 'test' })));
  loki = await startFakeLoki({ requireTenant: TENANT });
});
afterAll(async () => {
  step.onModuleDestroy();
  await loki.close();
});

function resource(config: Partial<LokiResourceConfig> = {}, url = loki.url): StepResource<LokiResourceConfig> {
  // As stored: a config may predate the defaults its DTO declares.
  return { id: RESOURCE_ID, name: 'fake-loki', type: 'loki', version: 1, config: { url, tenant: TENANT, ...config } as LokiResourceConfig };
}

interface RunOptions {
  resource?: StepResource<LokiResourceConfig>;
  signal?: AbortSignal;
  executionStartedAt?: number;
}

function context(config: Partial<LokiStepConfig>, options: RunOptions = {}): StepContext<LokiStepConfig, LokiResourceConfig> {
  return {
    config: { resourceId: RESOURCE_ID, ...config } as LokiStepConfig,
    resource: options.resource ?? resource(),
    signal: options.signal ?? AbortSignal.timeout(10_000),
    executionId: 'exec-1',
    correlationId: 'corr-1',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    stepName: 'logs',
    executionStartedAt: options.executionStartedAt ?? Date.now() - 60_000,
    deadline: Date.now() + 10_000,
    log: () => undefined,
  };
}

const runStep = (config: Partial<LokiStepConfig>, options?: RunOptions) => step.run(context(config, options));

async function stepError(promise: Promise<unknown>): Promise<StepError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the step to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return error as StepError;
}

const lastRequest = () => loki.requests[loki.requests.length - 1];

describe('loki step against the Loki contract fake', () => {
  it('sends the tenant and the query parameters, and returns the matching lines with labels and stats', async () => {
    const now = Date.now();
    loki.push({ app: 'orders', env: 'e2e', level: 'info' }, [
      { tsMs: now - 3000, line: 'order o-1 created' },
      { tsMs: now - 2000, line: 'order o-1 PAID' },
      { tsMs: now - 1000, line: 'healthcheck ok' },
    ]);
    loki.push({ app: 'billing', env: 'e2e' }, [{ tsMs: now - 1500, line: 'order o-1 invoiced' }]);

    const result = await runStep({ labels: { app: 'orders', env: 'e2e' }, containsPatterns: ['o-1'], relative: '5m' });

    expect(result.query).toBe('{app="orders", env="e2e"} |= "o-1"');
    expect(result.logLines.map((l) => l.line)).toEqual(['order o-1 PAID', 'order o-1 created']); // backward: newest first
    expect(result.logLines[0]).toEqual({
      timestamp: new Date(now - 2000).toISOString(),
      timestampNs: String(BigInt(now - 2000) * 1_000_000n),
      line: 'order o-1 PAID',
      labels: { app: 'orders', env: 'e2e', level: 'info' },
    });
    expect(result).toMatchObject({ matchCount: 2, limitReached: false, limit: 1000, direction: 'backward', warnings: [] });
    // The fake counts the bytes of every line it scanned in the selected streams (3 lines of app=orders).
    expect(result.scannedBytes).toBe(Buffer.byteLength('order o-1 createdorder o-1 PAIDhealthcheck ok'));
    expect(result.executionTimeMs).toBeGreaterThanOrEqual(0);

    const sent = lastRequest();
    expect(sent).toMatchObject({ method: 'GET', path: '/loki/api/v1/query_range', tenant: TENANT, query: result.query });
    expect(sent.params).toMatchObject({ limit: '1000', direction: 'backward' });
    expect(sent.params.start).toMatch(/^\d{19}$/);
    expect(BigInt(sent.params.end) - BigInt(sent.params.start)).toBe(300_000_000_000n);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('escapes hostile label values and patterns so that they match exactly', async () => {
    const hostileApp = 'pay"ments\\svc\n{x="y"}';
    const hostileNs = 'ns`"\\';
    const needle = 'user "bob" path C:\\tmp\\x |= "';
    const now = Date.now();
    loki.push({ app: hostileApp, namespace: hostileNs }, [
      { tsMs: now - 4000, line: `login ${needle} ok` },
      { tsMs: now - 3000, line: `login ${needle} retry` },
      { tsMs: now - 2000, line: 'login user bob path C:\\tmp\\x ok' }, // the needle without its quotes
      { tsMs: now - 1000, line: `took 12ms ${needle}` },
    ]);
    // Near misses: the same value without the backslash, and without the newline.
    loki.push({ app: 'pay"mentssvc\n{x="y"}', namespace: hostileNs }, [{ tsMs: now - 1000, line: `login ${needle} ok` }]);
    loki.push({ app: 'pay"ments\\svc{x="y"}', namespace: hostileNs }, [{ tsMs: now - 1000, line: `login ${needle} ok` }]);

    const result = await runStep({
      labels: { app: hostileApp },
      namespace: hostileNs,
      containsPatterns: [needle],
      notContainsPatterns: ['retry'],
      regexPatterns: ['^login .*"bob"'],
      relative: '1m',
    });
    expect(result.logLines.map((l) => l.line)).toEqual([`login ${needle} ok`]);
    expect(result.logLines[0].labels).toEqual({ app: hostileApp, namespace: hostileNs });
    expect(lastRequest().query).toBe(result.query);
    expect(result.query).toBe(
      String.raw`{namespace="ns` + '`' + String.raw`\"\\", app="pay\"ments\\svc\n{x=\"y\"}"} |= "user \"bob\" path C:\\tmp\\x |= \"" != "retry" |~ "^login .*\"bob\""`,
    );
  });

  it('honours limit and direction, and says when the limit was reached', async () => {
    const now = Date.now();
    loki.push({ app: 'paging' }, [1, 2, 3, 4, 5].map((n) => ({ tsMs: now - 6000 + n * 1000, line: `line ${n}` })));

    const forward = await runStep({ labels: { app: 'paging' }, limit: 2, direction: 'forward', relative: '1m' });
    expect(forward.logLines.map((l) => l.line)).toEqual(['line 1', 'line 2']);
    expect(forward).toMatchObject({ matchCount: 2, limitReached: true, limit: 2, direction: 'forward' });
    expect(lastRequest().params).toMatchObject({ limit: '2', direction: 'forward' });

    const backward = await runStep({ labels: { app: 'paging' }, limit: 2, direction: 'backward', relative: '1m' });
    expect(backward.logLines.map((l) => l.line)).toEqual(['line 5', 'line 4']);

    const all = await runStep({ labels: { app: 'paging' }, relative: '1m' });
    expect(all).toMatchObject({ matchCount: 5, limitReached: false });
  });

  it('looks only at lines since the flow started with relative "flow", and by default', async () => {
    const now = Date.now();
    const executionStartedAt = now - 5000;
    loki.push({ app: 'flow-window' }, [
      { tsMs: now - 8000, line: 'from an earlier run' },
      { tsMs: now - 4000, line: 'from this run' },
    ]);
    const explicit = await runStep({ labels: { app: 'flow-window' }, relative: 'flow' }, { executionStartedAt });
    expect(explicit.logLines.map((l) => l.line)).toEqual(['from this run']);
    expect(explicit.timeRange.start).toBe(new Date(executionStartedAt).toISOString());
    expect(lastRequest().params.start).toBe(String(BigInt(executionStartedAt) * 1_000_000n));

    const byDefault = await runStep({ labels: { app: 'flow-window' } }, { executionStartedAt });
    expect(byDefault.logLines.map((l) => l.line)).toEqual(['from this run']);
  });

  it('takes an absolute window, start inclusive and end exclusive', async () => {
    const t0 = Date.parse('2026-03-01T10:00:00.000Z');
    loki.push({ app: 'absolute' }, [
      { tsMs: t0 - 1, line: 'before' },
      { tsMs: t0, line: 'at start' },
      { tsMs: t0 + 59_999, line: 'last inside' },
      { tsMs: t0 + 60_000, line: 'at end' },
    ]);
    const result = await runStep({ labels: { app: 'absolute' }, startTime: t0, endTime: '2026-03-01T10:01:00Z', direction: 'forward' });
    expect(result.logLines.map((l) => l.line)).toEqual(['at start', 'last inside']);
    expect(result.timeRange).toEqual({ start: '2026-03-01T10:00:00.000Z', end: '2026-03-01T10:01:00.000Z' });
  });

  it('returns no lines (not an error) when nothing matches, so retries can wait for them', async () => {
    const result = await runStep({ labels: { app: 'nothing-here' }, relative: '5m' });
    expect(result).toMatchObject({ logLines: [], matchCount: 0, limitReached: false });
  });

  it('turns a Loki 400 into an error quoting Loki\'s message and the query', async () => {
    const error = await stepError(runStep({ labels: { app: 'orders' }, regexPatterns: ['(unclosed'], relative: '5m' }));
    expect(error.message).toMatch(/^Loki rejected the query \(HTTP 400\): parse error : error parsing regexp: .+ — query: \{app="orders"\} \|~ "\(unclosed"$/);
    expect(error.details).toMatchObject({ status: 400, query: '{app="orders"} |~ "(unclosed"' });
  });

  it('explains a 401 "no org id" when the resource has no tenant', async () => {
    const error = await stepError(runStep({ labels: { app: 'orders' } }, { resource: resource({ tenant: undefined }) }));
    expect(lastRequest().tenant).toBeNull();
    expect(error.message).toBe(
      'Loki refused the request (HTTP 401): no org id; the loki resource "fake-loki" sets no tenant, and this Loki is multi-tenant: set the resource\'s tenant (sent as X-Scope-OrgID) — query: {app="orders"}',
    );
  });

  it('sees another tenant\'s Loki as empty, as Loki does', async () => {
    loki.push({ app: 'tenancy' }, [{ line: 'private' }]);
    const own = await runStep({ labels: { app: 'tenancy' }, relative: '1m' });
    const other = await runStep({ labels: { app: 'tenancy' }, relative: '1m' }, { resource: resource({ tenant: 'someone-else' }) });
    expect([own.matchCount, other.matchCount]).toEqual([1, 0]);
  });

  // That the step has a loki resource at all is the engine's check (src/engine/runner/step-executor.spec.ts).
  it('fails clearly when Loki cannot be reached', async () => {
    const refused = await stepError(runStep({ labels: { app: 'x' } }, { resource: resource({}, 'http://127.0.0.1:1') }));
    expect(refused.message).toBe('cannot reach Loki at http://127.0.0.1:1 (resource "fake-loki"): connection refused');
  });

  it('passes the step signal to the request', async () => {
    const controller = new AbortController();
    controller.abort(new Error('execution cancelled'));
    const error = await stepError(runStep({ labels: { app: 'x' } }, { signal: controller.signal }));
    expect(error.message).toBe('Loki request aborted: execution cancelled');
  });
});

describe('loki step behind an authenticating gateway', () => {
  let gateway: FakeLoki;
  beforeAll(async () => {
    gateway = await startFakeLoki({ bearerToken: 'glc_token' });
    gateway.push({ app: 'gw' }, [{ line: 'through the gateway' }]);
  });
  afterAll(() => gateway.close());

  it('sends the bearer token of the resource', async () => {
    const result = await runStep({ labels: { app: 'gw' }, relative: '1m' }, { resource: resource({ tenant: undefined, auth: { type: 'bearer', token: 'glc_token' } }, gateway.url) });
    expect(result.logLines.map((l) => l.line)).toEqual(['through the gateway']);
    expect(gateway.requests[gateway.requests.length - 1].headers.authorization).toBe('Bearer glc_token');
  });

  it('points at the credentials on a 401', async () => {
    const error = await stepError(runStep({ labels: { app: 'gw' } }, { resource: resource({ tenant: undefined, auth: { type: 'bearer', token: 'wrong' } }, gateway.url) }));
    expect(error.message).toBe('Loki refused the request (HTTP 401): unauthorized; check the credentials of the loki resource "fake-loki" — query: {app="gw"}');
  });
});
