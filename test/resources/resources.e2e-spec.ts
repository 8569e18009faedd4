import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppException } from '../../src/common/errors/app.exception';
import { ResourcesService } from '../../src/resources/resources.service';
import { StepClientPools } from '../../src/steps/step-client-pools';
import { addMember, API, ownerWithTeam, registerUser, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { RecordingClient } from './resource-helpers';

const secret = (label: string) => `${label}-${randomBytes(8).toString('hex')}`;

/**
 * Resources CRUD against the real app, Postgres and Redis. Every response body of the file is kept,
 * and the last test proves none of them ever contained one of the secrets sent in.
 */
describe('resources (CRUD, validation, secrets)', () => {
  let t: TestApp;
  let owner: TestUser;
  let teamId: string;
  let api: RecordingClient;
  let service: ResourcesService;
  const bodies: string[] = [];
  const secrets: string[] = [];
  const remember = (value: string) => (secrets.push(value), value);

  const sqlConfig = (password?: string | null) => ({
    engine: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    database: 'postgres',
    user: 'postgres',
    ...(password !== undefined ? { password } : {}),
  });

  beforeAll(async () => {
    // Configs here point at the shared Postgres and Redis, which are also this app's own stores.
    t = await startTestApp('resources', { env: { EGRESS_ALLOW_CONTROL_PLANE: 'true' } });
    ({ user: owner, teamId } = await ownerWithTeam(t, 'res-owner'));
    api = new RecordingClient(t, owner, bodies);
    service = t.app.get(ResourcesService);
  });
  afterAll(() => t.close());

  it('creates, reads and updates a resource; secrets appear only as flags, omitted ones are kept', async () => {
    const password = remember(secret('pg-password'));
    const created = await api.send('post', `/teams/${teamId}/resources`, {
      name: 'orders-db',
      type: 'sql',
      description: 'orders (staging)',
      labels: { env: 'staging', system: 'orders' },
      group: 'checkout',
      namespace: 'staging',
      config: sqlConfig(password),
    }, 201);
    expect(created.body).toMatchObject({
      name: 'orders-db',
      type: 'sql',
      teamId,
      labels: { env: 'staging', system: 'orders' },
      group: 'checkout',
      namespace: 'staging',
      version: 1,
      createdBy: owner.id,
      // Defaults of the type's DTO are stored explicitly; the password is not there.
      config: { ...sqlConfig(), allowWrites: false, poolSize: 5, statementTimeoutMs: 30000 },
      secrets: { password: true },
    });
    expect(created.body.config).not.toHaveProperty('password');
    const id = created.body.id;
    expect((await api.send('get', `/teams/${teamId}/resources/${id}`, undefined, 200)).body).toEqual(created.body);

    await api.send('post', `/teams/${teamId}/resources`, { name: 'orders-db', type: 'redis', config: { host: '127.0.0.1' } }, 409);

    // Non-config update: secrets untouched, version bumped.
    const described = await api.send('patch', `/teams/${teamId}/resources/${id}`, { description: 'orders replica', group: null }, 200);
    expect(described.body).toMatchObject({ version: 2, description: 'orders replica', group: null, secrets: { password: true } });

    // New config without the password: the stored one is kept.
    const moved = await api.send('patch', `/teams/${teamId}/resources/${id}`, { config: { ...sqlConfig(), poolSize: 9 } }, 200);
    expect(moved.body).toMatchObject({ version: 3, config: { poolSize: 9 }, secrets: { password: true } });
    const resolved = await service.resolve(teamId, id);
    expect(resolved).toMatchObject({ id, name: 'orders-db', type: 'sql', version: 3, config: { ...sqlConfig(password), poolSize: 9 } });
    // Every form the secret may take is redacted: the value, and the Basic header of user:password.
    expect(resolved.secretValues).toEqual([Buffer.from(`postgres:${password}`).toString('base64'), password]);

    // A new value replaces it; null clears it.
    const replaced = remember(secret('pg-password-2'));
    await api.send('patch', `/teams/${teamId}/resources/${id}`, { config: sqlConfig(replaced) }, 200);
    expect((await service.resolve(teamId, id)).config.password).toBe(replaced);
    const cleared = await api.send('patch', `/teams/${teamId}/resources/${id}`, { config: sqlConfig(null) }, 200);
    expect(cleared.body).toMatchObject({ version: 5, secrets: { password: false } });
    expect((await service.resolve(teamId, id)).config).not.toHaveProperty('password');

    const typeChange = await api.send('patch', `/teams/${teamId}/resources/${id}`, { type: 'redis' }, 400);
    expect(typeChange.body.details.problems).toEqual([{ field: 'type', message: expect.stringContaining('cannot change') }]);
    await api.send('post', `/teams/${teamId}/resources`, { name: 'other-db', type: 'sql', config: sqlConfig() }, 201);
    await api.send('patch', `/teams/${teamId}/resources/${id}`, { name: 'other-db' }, 409);
    expect((await api.send('patch', `/teams/${teamId}/resources/${id}`, { name: null }, 400)).body.details.problems[0].field).toBe('name');
    expect((await api.send('patch', `/teams/${teamId}/resources/${id}`, { labels: null, namespace: null }, 200)).body).toMatchObject({ labels: {}, namespace: null });
    // The team owns resources: the database refuses to delete it (ON DELETE RESTRICT), the API says 409.
    await api.send('delete', `/teams/${teamId}`, undefined, 409);
  });

  it('answers 400 naming every offending field, and writes nothing', async () => {
    const problemsOf = async (body: object) => {
      const res = await api.send('post', `/teams/${teamId}/resources`, body, 400);
      expect(res.body.code).toBe('VALIDATION');
      return [...new Set((res.body.details.problems as Array<{ field: string; message: string }>).map((p) => p.field))].sort();
    };
    expect(await problemsOf({ name: 'bad-sql', type: 'sql', config: { engine: 'oracle', port: 70000, database: 'x', user: 'u', hostname: 'h' } })).toEqual([
      'config.engine',
      'config.host',
      'config.hostname',
      'config.port',
    ]);
    expect(await problemsOf({ name: 'bad-type', type: 'ftp', config: {} })).toEqual(['type']);
    expect(await problemsOf({ name: 'has space', type: 'redis', config: { host: 'h' }, labels: { 'bad key!': 'x' } })).toEqual(['labels', 'name']);
    expect(await problemsOf({ name: 'missing-config', type: 'redis' })).toEqual(['config']);
    const token = remember(secret('misplaced-token'));
    expect(await problemsOf({ name: 'bad-http', type: 'http', config: { baseUrl: 'ftp://x', auth: { type: 'basic', username: 'u', token }, headers: { Authorization: 'Bearer x' } } })).toEqual([
      'config.auth.token',
      'config.baseUrl',
      'config.headers',
    ]);
    expect(await problemsOf({ name: 'bad-redis', type: 'redis', config: { url: 'redis://user:pw@cache:6379', port: 1 } })).toEqual(['config.port', 'config.url']);
    expect(await problemsOf({ name: 'bad-kafka', type: 'kafka', config: { brokers: ['nohost'], sasl: { mechanism: 'gssapi', username: 'u' } } })).toEqual([
      'config.brokers',
      'config.sasl.mechanism',
      'config.sasl.password',
    ]);
    expect(await problemsOf({ name: 'bad-loki', type: 'loki', config: { url: 'http://user:pw@loki', timeoutMs: 'soon' } })).toEqual(['config.timeoutMs', 'config.url']);

    const list = await api.send('get', `/teams/${teamId}/resources?search=bad`, undefined, 200);
    expect(list.body.total).toBe(0);
    await api.send('get', `/teams/${teamId}/resources?page=0&label=bad%20label`, undefined, 400);
  });

  it('lists with pagination and filters by type, label, group, namespace and name', async () => {
    const { user, teamId: team } = await ownerWithTeam(t, 'res-lister');
    const client = new RecordingClient(t, user, bodies);
    const make = (name: string, type: string, config: object, extra: object = {}) =>
      client.send('post', `/teams/${team}/resources`, { name, type, config, ...extra }, 201);
    await make('cache-staging', 'redis', { host: '127.0.0.1' }, { labels: { env: 'staging' }, namespace: 'staging', group: 'infra' });
    await make('cache-prod', 'redis', { url: 'redis://127.0.0.1:6379/1' }, { labels: { env: 'prod' }, namespace: 'prod', group: 'infra' });
    await make('orders-api', 'http', { baseUrl: 'http://127.0.0.1:1' }, { labels: { env: 'staging', tier: 'gold' }, namespace: 'staging' });
    await make('metrics', 'prometheus', { url: 'http://127.0.0.1:1' });
    const names = async (query: string) => {
      const res = await client.send('get', `/teams/${team}/resources${query}`, undefined, 200);
      return res.body.items.map((r: { name: string }) => r.name);
    };
    const firstPage = await client.send('get', `/teams/${team}/resources?pageSize=3`, undefined, 200);
    expect(firstPage.body).toMatchObject({ total: 4, page: 1, pageSize: 3 });
    expect(firstPage.body.items.map((r: { name: string }) => r.name)).toEqual(['cache-prod', 'cache-staging', 'metrics']);
    expect(await names('?pageSize=3&page=2')).toEqual(['orders-api']);
    expect(await names('?type=redis')).toEqual(['cache-prod', 'cache-staging']);
    expect(await names('?label=env=staging')).toEqual(['cache-staging', 'orders-api']);
    expect(await names('?label=env=staging&label=tier')).toEqual(['orders-api']);
    expect(await names('?group=infra&namespace=prod')).toEqual(['cache-prod']);
    expect(await names('?search=CACHE')).toEqual(['cache-prod', 'cache-staging']);
    expect(await names('?search=%25')).toEqual([]);
  });

  it('lets viewers read and only editors write or test', async () => {
    const { user: lead, teamId: team } = await ownerWithTeam(t, 'res-roles');
    const viewer = await registerUser(t, 'res-viewer');
    const editor = await registerUser(t, 'res-editor');
    await addMember(t, lead, team, viewer, 'viewer');
    await addMember(t, lead, team, editor, 'editor');
    const asViewer = new RecordingClient(t, viewer, bodies);
    const asEditor = new RecordingClient(t, editor, bodies);
    const body = { name: 'roles-redis', type: 'redis', config: { host: '127.0.0.1' } };
    await asViewer.send('post', `/teams/${team}/resources`, body, 403);
    const id = (await asEditor.send('post', `/teams/${team}/resources`, body, 201)).body.id;
    await asViewer.send('get', `/teams/${team}/resources`, undefined, 200);
    await asViewer.send('get', `/teams/${team}/resources/${id}`, undefined, 200);
    await asViewer.send('patch', `/teams/${team}/resources/${id}`, { description: 'x' }, 403);
    await asViewer.send('post', `/teams/${team}/resources/${id}/test`, {}, 403);
    await asViewer.send('post', `/teams/${team}/resources/test`, { type: 'redis', config: { host: '127.0.0.1' } }, 403);
    await asViewer.send('delete', `/teams/${team}/resources/${id}`, undefined, 403);
    // Another team's resource id behaves as if it did not exist.
    await api.send('get', `/teams/${teamId}/resources/${id}`, undefined, 404);
    await api.send('patch', `/teams/${teamId}/resources/${id}`, { description: 'x' }, 404);
    await api.send('get', `/teams/${teamId}/resources/not-a-uuid`, undefined, 404);
    await asEditor.send('delete', `/teams/${team}/resources/${id}`, undefined, 204);
  });

  it('stores secrets encrypted: the plaintext is nowhere in the row, and a ciphertext moved to another row does not open', async () => {
    const token = remember(secret('http-token'));
    const keyValue = remember(secret('api-key'));
    const a = (await api.send('post', `/teams/${teamId}/resources`, { name: 'enc-a', type: 'http', config: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'bearer', token } } }, 201)).body.id;
    const b = (await api.send('post', `/teams/${teamId}/resources`, { name: 'enc-b', type: 'http', config: { baseUrl: 'http://127.0.0.1:1', auth: { type: 'apiKey', headerName: 'X-Key', value: keyValue } } }, 201)).body.id;
    const dataSource = t.app.get(DataSource);
    const rows: Array<{ id: string; row: string; secrets_ciphertext: string; secrets_key_id: string; secret_paths: string[] }> = await dataSource.query(
      'SELECT id, row_to_json(r)::text AS row, secrets_ciphertext, secrets_key_id, secret_paths FROM resources r WHERE team_id = $1',
      [teamId],
    );
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) {
      for (const value of secrets) expect(row.row).not.toContain(value);
      if (row.secrets_ciphertext) expect(Buffer.from(row.secrets_ciphertext, 'base64').toString('latin1')).not.toContain('http-token');
    }
    const rowA = rows.find((r) => r.id === a)!;
    expect(rowA).toMatchObject({ secrets_key_id: 'dev', secret_paths: ['auth.token'] });
    expect((await service.resolve(teamId, a)).config).toMatchObject({ auth: { type: 'bearer', token } });

    await dataSource.query('UPDATE resources SET secrets_ciphertext = $1 WHERE id = $2', [rowA.secrets_ciphertext, b]);
    await expect(service.resolve(teamId, b)).rejects.toThrow(/cannot be read: secrets failed authentication/);
  });

  it('resolves for workers: cached, invalidated on update and delete, listeners told; typeOf and findByNames', async () => {
    const id = (await api.send('post', `/teams/${teamId}/resources`, { name: 'cached-redis', type: 'redis', config: { host: '127.0.0.1' } }, 201)).body.id;
    const changed: string[] = [];
    const stop = service.onResourceChanged((resourceId) => changed.push(resourceId));
    const closed: string[] = [];
    // The pooled-client port plugins inject, as the app provides it: pools drop a changed resource's clients.
    const pool = t.app.get(StepClientPools).create<string, object>({ create: (r) => `client-${r.version}`, close: (client) => void closed.push(client) });
    const first = await service.resolve(teamId, id);
    expect(await pool.use(first, async (client) => client)).toBe('client-1');
    first.config.host = 'mutated-by-a-plugin';
    expect((await service.resolve(teamId, id)).config.host).toBe('127.0.0.1'); // each caller gets its own copy
    await api.send('patch', `/teams/${teamId}/resources/${id}`, { config: { host: 'localhost' } }, 200);
    expect(changed).toEqual([id]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toEqual(['client-1']); // the pooled client of the old version is closed on change
    expect(pool.size).toBe(0);
    expect(await service.resolve(teamId, id)).toMatchObject({ version: 2, config: { host: 'localhost' } });

    expect(await service.typeOf(teamId, id)).toBe('redis');
    const { teamId: otherTeam } = await ownerWithTeam(t, 'res-other');
    expect(await service.typeOf(otherTeam, id)).toBeNull();
    expect(await service.typeOf(teamId, 'nope')).toBeNull();
    await expect(service.resolve(otherTeam, id)).rejects.toThrow(AppException);
    expect(await service.findByNames(teamId, ['cached-redis', 'orders-db', 'missing'])).toEqual([
      { id, name: 'cached-redis', type: 'redis' },
      { id: expect.any(String), name: 'orders-db', type: 'sql' },
    ]);
    expect(await service.findByNames(otherTeam, ['cached-redis'])).toEqual([]);

    await api.send('delete', `/teams/${teamId}/resources/${id}`, undefined, 204);
    expect(changed).toEqual([id, id]);
    await expect(service.resolve(teamId, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    stop();
  });

  it('refuses to delete a resource that flows use, naming them (usage probes)', async () => {
    const id = (await api.send('post', `/teams/${teamId}/resources`, { name: 'used-kafka', type: 'kafka', config: { brokers: ['127.0.0.1:19092'] } }, 201)).body.id;
    const unregister = service.registerUsageProbe(async (team, resourceId) => (team === teamId && resourceId === id ? ['checkout happy path', 'refund'] : []));
    const refused = await api.send('delete', `/teams/${teamId}/resources/${id}`, undefined, 409);
    expect(refused.body.message).toContain('"checkout happy path", "refund"');
    expect(refused.body.details).toEqual({ flows: ['checkout happy path', 'refund'] });
    unregister();
    await api.send('delete', `/teams/${teamId}/resources/${id}`, undefined, 204);
    await api.send('get', `/teams/${teamId}/resources/${id}`, undefined, 404);
  });

  it('invalidates the cache of another process through Redis pub/sub', async () => {
    const other = await startTestApp('resources-b', { shareWith: t, env: { EGRESS_ALLOW_CONTROL_PLANE: 'true' } });
    try {
      const remote = other.app.get(ResourcesService);
      const id = (await api.send('post', `/teams/${teamId}/resources`, { name: 'shared-prom', type: 'prometheus', config: { url: 'http://127.0.0.1:9090' } }, 201)).body.id;
      expect((await remote.resolve(teamId, id)).version).toBe(1);
      const heard = new Promise<string>((resolve) => remote.onResourceChanged(resolve));
      await api.send('patch', `/teams/${teamId}/resources/${id}`, { config: { url: 'http://127.0.0.1:9091' } }, 200);
      expect(await heard).toBe(id);
      expect(await remote.resolve(teamId, id)).toMatchObject({ version: 2, config: { url: 'http://127.0.0.1:9091' } });
    } finally {
      await other.close();
    }
  });

  it('documents the types: catalogue endpoint and a oneOf body in the OpenAPI document', async () => {
    const types = await api.send('get', '/resource-types', undefined, 200);
    // Every integration's resource type, sorted; the OpenAPI document offers exactly the same ones.
    const names: string[] = types.body.map((x: { type: string }) => x.type);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['amqp', 'http', 'kafka', 'loki', 'prometheus', 'redis', 'sql']));
    expect(types.body.find((x: { type: string }) => x.type === 'kafka').secretFields).toEqual(['sasl.password', 'ssl.key']);
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const create = doc.paths['/api/v1/teams/{teamId}/resources'].post;
    const body = create.requestBody.content['application/json'];
    expect(body.schema.oneOf.map((b: { title: string }) => b.title)).toEqual(names);
    expect(Object.keys(body.examples)).toHaveLength(names.length);
    for (const name of ['SqlResourceConfig', 'KafkaResourceConfig', 'RedisResourceConfig', 'HttpResourceConfig', 'LokiResourceConfig', 'PrometheusResourceConfig']) {
      expect(doc.components.schemas[name]).toBeDefined();
    }
    expect(doc.components.schemas.SqlResourceConfig.properties.password.writeOnly).toBe(true);
    expect(doc.paths['/api/v1/teams/{teamId}/resources/test'].post.requestBody.content['application/json'].schema.oneOf).toHaveLength(names.length);
    expect(doc.paths['/api/v1/teams/{teamId}/resources/{resourceId}/test'].post.responses['200']).toBeDefined();
  });

  it('never returned a secret in any response of this file', () => {
    expect(secrets.length).toBeGreaterThan(3);
    expect(bodies.length).toBeGreaterThan(40);
    const leaks = bodies.filter((body) => secrets.some((value) => body.includes(value)));
    expect(leaks).toEqual([]);
  });
});
