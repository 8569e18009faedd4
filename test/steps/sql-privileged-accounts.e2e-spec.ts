import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/app-config';
import type { ResolvedResource } from '../../src/steps/step-plugin';
import type { SqlStepConfig } from '../../src/integrations/sql/sql-step.config';
import { SqlStep } from '../../src/integrations/sql/sql.step';
import { createFlow, noRetry, runFlow, waitForExecution } from '../support/flow-helpers';
import { API, ownerWithTeam, type TestUser } from '../support/identity-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { adminQuery, createTestDatabase } from '../support/test-database';
import { TEST_MARIADB_URL } from '../support/test-env';
import { testClientPools, resource, stepContext, testEgress } from './step-test-support';

jest.setTimeout(60_000);

/**
 * Privileged database accounts are refused (issue #14): a read-only transaction does not stop
 * `COPY … TO PROGRAM`, `pg_read_file`, `INTO OUTFILE`, `LOAD_FILE` or `SET GLOBAL`, so the
 * connection test and the sql step refuse superusers, FILE/SUPER holders and the like, unless
 * SQL_ALLOW_PRIVILEGED=true. Roles and users with random names are made on the machine's real
 * PostgreSQL and MariaDB and dropped afterwards; plain accounts still work and cannot do those things.
 */
describe('privileged SQL accounts (real PostgreSQL and MariaDB)', () => {
  const run = randomBytes(4).toString('hex');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const pgRoles = {
    superuser: `ats_priv_super_${run}`,
    program: `ats_priv_program_${run}`,
    readFiles: `ats_priv_readfiles_${run}`,
    superMember: `ats_priv_member_${run}`,
    createRole: `ats_priv_createrole_${run}`,
    plain: `ats_priv_plain_${run}`,
  };
  const mariaUsers = {
    file: `ats_priv_file_${run}`,
    super: `ats_priv_super_${run}`,
    viaRole: `ats_priv_viarole_${run}`,
    plain: `ats_priv_plain_${run}`,
  };
  const mariaRole = `ats_priv_role_${run}`;
  const table = `items_${run}`;
  const mariaUrl = new URL(TEST_MARIADB_URL);
  const mariaDatabase = mariaUrl.pathname.slice(1);

  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pgAdmin: Client;
  let mariaAdmin: mysql.Connection;
  let t: TestApp;
  let allowing: TestApp;
  let user: TestUser;
  let teamId: string;
  let dblinkInstalled = false;

  const resources = testClientPools();
  // The shared Postgres/MariaDB are the systems under test; the control plane check is egress-policy's subject.
  const egress = testEgress({ EGRESS_ALLOW_CONTROL_PLANE: 'true' });
  const step = new SqlStep(resources, new AppConfig(), egress);

  const pgConfig = (role: string, extra: object = {}) => ({ engine: 'postgres', host: '127.0.0.1', port: 5432, database: database.name, user: role, password, ...extra });
  const mariaConfig = (name: string, extra: object = {}) => ({
    engine: 'mysql',
    host: mariaUrl.hostname,
    port: Number(mariaUrl.port || 3306),
    database: mariaDatabase,
    user: name,
    password,
    ...extra,
  });
  const connectionTest = async (app: TestApp, config: object) =>
    (await app.http.post(`${API}/teams/${teamId}/resources/test`).set(user.auth).send({ type: 'sql', config }).expect(200)).body as { ok: boolean; error?: string };
  const runStep = (config: Record<string, unknown>, statement: Omit<SqlStepConfig, 'resourceId'>, name = 'db') => {
    const r: ResolvedResource = resource('sql', config, name);
    return step.run(stepContext({ resourceId: r.id, ...statement }, { resource: r }));
  };
  const pgCount = async () => Number((await pgAdmin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const mariaCount = async () => Number(((await mariaAdmin.query(`SELECT COUNT(*) AS n FROM ${table}`))[0] as Array<{ n: number }>)[0].n);

  beforeAll(async () => {
    database = await createTestDatabase('sql_privileged');
    pgAdmin = new Client({ connectionString: database.url });
    await pgAdmin.connect();
    await pgAdmin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text NOT NULL)`);
    await pgAdmin.query(`INSERT INTO ${table} VALUES (1, 'one')`);
    await pgAdmin.query(`CREATE ROLE ${pgRoles.superuser} SUPERUSER LOGIN PASSWORD '${password}'`);
    for (const role of [pgRoles.program, pgRoles.readFiles, pgRoles.superMember, pgRoles.createRole, pgRoles.plain]) {
      await pgAdmin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await pgAdmin.query(`GRANT SELECT, INSERT ON ${table} TO ${role}`);
    }
    await pgAdmin.query(`GRANT pg_execute_server_program TO ${pgRoles.program}`);
    await pgAdmin.query(`GRANT pg_read_server_files TO ${pgRoles.readFiles}`);
    // Not a superuser itself, but it can SET ROLE to one.
    await pgAdmin.query(`GRANT ${pgRoles.superuser} TO ${pgRoles.superMember}`);
    await pgAdmin.query(`ALTER ROLE ${pgRoles.createRole} CREATEROLE`);
    // dblink ships with PostgreSQL's contrib package; where it is missing, calling it fails anyway.
    dblinkInstalled = await pgAdmin.query('CREATE EXTENSION IF NOT EXISTS dblink').then(
      () => true,
      () => false,
    );

    mariaAdmin = await mysql.createConnection({ host: mariaUrl.hostname, port: Number(mariaUrl.port || 3306), user: decodeURIComponent(mariaUrl.username || 'root'), password: decodeURIComponent(mariaUrl.password), database: mariaDatabase });
    await mariaAdmin.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)`);
    await mariaAdmin.query(`INSERT INTO ${table} VALUES (1, 'one')`);
    for (const name of Object.values(mariaUsers)) {
      await mariaAdmin.query(`CREATE USER '${name}'@'%' IDENTIFIED BY '${password}'`);
      await mariaAdmin.query(`GRANT SELECT, INSERT ON \`${mariaDatabase}\`.* TO '${name}'@'%'`);
    }
    await mariaAdmin.query(`GRANT FILE ON *.* TO '${mariaUsers.file}'@'%'`);
    await mariaAdmin.query(`GRANT SUPER ON *.* TO '${mariaUsers.super}'@'%'`);
    // FILE only through a role the account may SET ROLE to.
    await mariaAdmin.query(`CREATE ROLE ${mariaRole}`);
    await mariaAdmin.query(`GRANT FILE ON *.* TO ${mariaRole}`);
    await mariaAdmin.query(`GRANT ${mariaRole} TO '${mariaUsers.viaRole}'@'%'`);

    // This test uses the machine's shared Postgres (127.0.0.1:5432, the service's own server) as the
    // system under test, which the egress policy refuses unless the control plane is allowed.
    const env = { EGRESS_ALLOW_CONTROL_PLANE: 'true' };
    t = await startTestApp('sql_privileged', { env });
    allowing = await startTestApp('sql_privileged_allowed', { shareWith: t, env: { ...env, APP_MODE: 'api', SQL_ALLOW_PRIVILEGED: 'true' } });
    ({ user, teamId } = await ownerWithTeam(t, 'sql-privileged'));
  });

  afterAll(async () => {
    await allowing?.close();
    await t?.close();
    await step.onModuleDestroy();
    await resources.closeAll();
    await pgAdmin?.end();
    await database?.drop();
    for (const role of [pgRoles.superMember, ...Object.values(pgRoles)]) await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    if (mariaAdmin) {
      for (const name of Object.values(mariaUsers)) await mariaAdmin.query(`DROP USER IF EXISTS '${name}'@'%'`).catch(() => undefined);
      await mariaAdmin.query(`DROP ROLE IF EXISTS ${mariaRole}`).catch(() => undefined);
      await mariaAdmin.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await mariaAdmin.end();
    }
  });

  const PG_ADVICE = 'SQL steps must use an account without superuser, CREATEROLE, pg_execute_server_program, pg_read_server_files or pg_write_server_files, also through granted roles (or the operator sets SQL_ALLOW_PRIVILEGED=true)';
  const pgRefusals: Array<[string, () => string, string]> = [
    ['a superuser', () => pgRoles.superuser, 'is a superuser'],
    ['a member of pg_execute_server_program', () => pgRoles.program, 'is a member of pg_execute_server_program'],
    ['a member of pg_read_server_files', () => pgRoles.readFiles, 'is a member of pg_read_server_files'],
    ['a member of a superuser role', () => pgRoles.superMember, `is a member of the superuser role "${pgRoles.superuser}" (it can SET ROLE to it)`],
    ['a CREATEROLE role', () => pgRoles.createRole, 'has CREATEROLE (it can create roles, and before PostgreSQL 16 grant itself pg_execute_server_program)'],
  ];

  it.each(pgRefusals)('PostgreSQL: %s is refused by the connection test and by the sql step (nothing runs)', async (_label, role, reason) => {
    const refusal = `database user "${role()}" ${reason}; ${PG_ADVICE}`;
    expect(await connectionTest(t, pgConfig(role()))).toMatchObject({ ok: false, error: `refused: ${refusal}` });
    const insert = runStep(pgConfig(role(), { allowWrites: true }), { query: `INSERT INTO ${table} VALUES (:id, 'privileged')`, parameters: { id: 100 } }, 'pg-privileged');
    await expect(insert).rejects.toThrow(`refused on resource "pg-privileged": ${refusal}`);
    expect(await pgCount()).toBe(1);
  });

  const MARIA_ADVICE = 'SQL steps must use an account without server-wide administrative privileges';
  const mariaRefusals: Array<[string, () => string, () => string]> = [
    ['FILE', () => mariaUsers.file, () => 'has FILE on *.*'],
    ['SUPER', () => mariaUsers.super, () => 'has SUPER on *.*'],
    ['FILE through a granted role', () => mariaUsers.viaRole, () => `has FILE on *.* through role \`${mariaRole}\``],
  ];

  it.each(mariaRefusals)('MariaDB: a user with %s is refused by the connection test and by the sql step (nothing runs)', async (_label, name, reason) => {
    const refusal = `database user "${name()}@%" ${reason()}; ${MARIA_ADVICE}`;
    const tested = await connectionTest(t, mariaConfig(name()));
    expect(tested.ok).toBe(false);
    expect(tested.error).toContain(`refused: ${refusal}`);
    expect(tested.error).toMatch(/\(or the operator sets SQL_ALLOW_PRIVILEGED=true\)$/);
    const insert = runStep(mariaConfig(name(), { allowWrites: true }), { query: `INSERT INTO ${table} VALUES (:id, 'privileged')`, parameters: { id: 100 } }, 'maria-privileged');
    await expect(insert).rejects.toThrow(`refused on resource "maria-privileged": ${refusal}`);
    expect(await mariaCount()).toBe(1);
  });

  it('keeps the refusal with the pool: the next step on the same resource is refused too', async () => {
    const privileged = resource('sql', pgConfig(pgRoles.superuser), 'pg-kept');
    const attempt = () => step.run(stepContext({ resourceId: privileged.id, query: 'SELECT 1 AS one' }, { resource: privileged }));
    await expect(attempt()).rejects.toThrow(/refused on resource "pg-kept": database user ".*" is a superuser/);
    await expect(attempt()).rejects.toThrow(/refused on resource "pg-kept": database user ".*" is a superuser/);
  });

  it('a flow run fails the sql step with the refusal and runs nothing', async () => {
    const resourceId = (await t.http.post(`${API}/teams/${teamId}/resources`).set(user.auth).send({ name: 'super-db', type: 'sql', config: pgConfig(pgRoles.superuser, { allowWrites: true }) }).expect(201)).body.id;
    const flowId = await createFlow(t, user, teamId, {
      name: 'privileged account',
      steps: [noRetry({ name: 'write', type: 'sql', config: { resourceId, query: `INSERT INTO ${table} VALUES (200, 'flow')` } })],
    });
    const started = await runFlow(t, user, teamId, flowId);
    const done = await waitForExecution(t, user, teamId, started.id);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0]).toMatchObject({ status: 'ERROR', error: expect.stringContaining(`refused on resource "super-db": database user "${pgRoles.superuser}" is a superuser; ${PG_ADVICE}`) });
    expect(await pgCount()).toBe(1);
  });

  it('accepts plain accounts: connection test ok, the step reads', async () => {
    expect(await connectionTest(t, pgConfig(pgRoles.plain))).toMatchObject({ ok: true });
    expect(await connectionTest(t, mariaConfig(mariaUsers.plain))).toMatchObject({ ok: true });
    expect((await runStep(pgConfig(pgRoles.plain), { query: `SELECT name FROM ${table} WHERE id = :id`, parameters: { id: 1 } })).rows).toEqual([{ name: 'one' }]);
    expect((await runStep(mariaConfig(mariaUsers.plain), { query: `SELECT name FROM ${table} WHERE id = :id`, parameters: { id: 1 } })).rows).toEqual([{ name: 'one' }]);
  });

  it('PostgreSQL, plain account on a read-only resource: COPY TO PROGRAM, pg_read_file and dblink_exec fail', async () => {
    const readOnly = pgConfig(pgRoles.plain);
    await expect(runStep(readOnly, { query: "COPY (SELECT 1) TO PROGRAM 'true'" })).rejects.toThrow(/query failed on resource "db": .*pg_execute_server_program/);
    await expect(runStep(readOnly, { query: "SELECT pg_read_file('/etc/hostname') AS content" })).rejects.toThrow(/permission denied for function pg_read_file/);
    // dblink would open a second session outside the read-only transaction. PostgreSQL lets a
    // non-superuser use it only with a password the remote server actually asks for; this machine's
    // Postgres trusts loopback, so the call fails (without dblink installed it fails as unknown).
    const remote = `host=127.0.0.1 dbname=${database.name} user=${pgRoles.plain} password=${password}`;
    const dblink = runStep(readOnly, { query: `SELECT dblink_exec(:remote, 'INSERT INTO ${table} VALUES (300, ''dblink'')') AS done`, parameters: { remote } });
    await expect(dblink).rejects.toThrow(dblinkInstalled ? /password (or GSSAPI delegated credentials )?is required/ : /function dblink_exec\(.*\) does not exist/);
    expect(await pgCount()).toBe(1);
  });

  it('MariaDB, plain account on a read-only resource: INTO OUTFILE and SET GLOBAL fail, LOAD_FILE returns NULL', async () => {
    const readOnly = mariaConfig(mariaUsers.plain);
    const outfile = `/tmp/ats-outfile-${run}`;
    await expect(runStep(readOnly, { query: `SELECT 1 INTO OUTFILE '${outfile}'` })).rejects.toThrow(/Access denied; you need \(at least one of\) the FILE privilege/);
    expect(existsSync(outfile)).toBe(false);
    const loaded = await runStep(readOnly, { query: "SELECT LOAD_FILE('/etc/hostname') AS content" });
    expect(loaded.rows).toEqual([{ content: null }]);
    const before = ((await mariaAdmin.query('SELECT @@GLOBAL.max_connections AS n'))[0] as Array<{ n: number }>)[0].n;
    await expect(runStep(readOnly, { query: 'SET GLOBAL max_connections = 10' })).rejects.toThrow(/Access denied; you need \(at least one of\) the SUPER/);
    expect(((await mariaAdmin.query('SELECT @@GLOBAL.max_connections AS n'))[0] as Array<{ n: number }>)[0].n).toBe(before);
  });

  it('with SQL_ALLOW_PRIVILEGED=true privileged accounts are accepted', async () => {
    expect(await connectionTest(allowing, pgConfig(pgRoles.superuser))).toMatchObject({ ok: true });
    expect(await connectionTest(allowing, pgConfig(pgRoles.program))).toMatchObject({ ok: true });
    expect(await connectionTest(allowing, mariaConfig(mariaUsers.file))).toMatchObject({ ok: true });
    const allowedStep = new SqlStep(resources, Object.assign(new AppConfig(), { SQL_ALLOW_PRIVILEGED: true }), egress);
    try {
      const r = resource('sql', pgConfig(pgRoles.superuser), 'pg-allowed');
      expect((await allowedStep.run(stepContext({ resourceId: r.id, query: 'SELECT 1 AS one' }, { resource: r }))).rows).toEqual([{ one: 1 }]);
      // What the refusal is about: the FILE account reads the file the plain account got NULL for.
      const file = resource('sql', mariaConfig(mariaUsers.file), 'maria-allowed');
      const loaded = await allowedStep.run(stepContext({ resourceId: file.id, query: "SELECT CAST(LOAD_FILE('/etc/hostname') AS CHAR) AS content" }, { resource: file }));
      expect(loaded.rows[0].content).toEqual(expect.any(String));
    } finally {
      await allowedStep.onModuleDestroy();
    }
  });
});
