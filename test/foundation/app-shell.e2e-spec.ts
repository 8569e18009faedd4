import { startTestApp, type TestApp } from '../support/test-app';

describe('application shell (all mode)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('shell');
  });
  afterAll(() => t.close());

  it('answers liveness and readiness with Postgres and Redis up', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.details.postgres.status).toBe('up');
    expect(ready.body.details.redis.status).toBe('up');
  });

  it('serves a valid OpenAPI document listing the endpoints', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health/ready']));
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('propagates a request id and never leaks stack traces for unknown routes', async () => {
    const res = await t.http.get('/api/v1/does-not-exist').set('x-request-id', 'req-123').expect(404);
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', requestId: 'req-123' });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('sends API answers without an ETag (no SHA-1 of every body)', async () => {
    const res = await t.http.get('/api/v1/step-types').expect(401);
    expect(res.headers.etag).toBeUndefined();
    const live = await t.http.get('/health/live').expect(200);
    expect(live.headers.etag).toBeUndefined();
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.http.post('/api/v1/anything').set('content-type', 'application/json').send('{bad').expect(400);
    expect(res.body.code).toBe('VALIDATION');
  });

  it('has applied the migrations', async () => {
    const { DataSource } = await import('typeorm');
    const ds = t.app.get(DataSource);
    const rows: Array<{ name: string }> = await ds.query('SELECT name FROM schema_migrations');
    expect(rows.length).toBeGreaterThan(0);
  });

  it('stores the large jsonb columns lz4-compressed (this machine\'s Postgres is built with lz4)', async () => {
    const { DataSource } = await import('typeorm');
    const ds = t.app.get(DataSource);
    const rows: Array<{ column: string; method: string }> = await ds.query(
      `SELECT attrelid::regclass || '.' || attname AS column, attcompression AS method FROM pg_attribute
        WHERE (attrelid = 'flow_versions'::regclass AND attname = 'steps')
           OR (attrelid = 'execution_steps'::regclass AND attname IN ('request', 'response', 'assertions', 'logs'))
        ORDER BY 1`,
    );
    expect(rows).toEqual(['execution_steps.assertions', 'execution_steps.logs', 'execution_steps.request', 'execution_steps.response', 'flow_versions.steps'].map((column) => ({ column, method: 'l' })));
  });
});

describe('application shell (worker mode)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('worker', { env: { APP_MODE: 'worker' } });
  });
  afterAll(() => t.close());

  it('serves health but neither the API nor Swagger', async () => {
    await t.http.get('/health/ready').expect(200);
    await t.http.get('/docs-json').expect(404);
  });
});
