import { createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DEMO_ORDERS_TABLE, DEMO_SCHEMA } from '../../examples/demo-service/demo-service';

/** The login the seeded `demo-postgres` resource uses: it may read the demo's orders and nothing else. */
export const DEMO_READER_ROLE = 'ats_demo_reader';

export interface DemoReaderLogin {
  user: string;
  password: string;
}

/**
 * Creates (or refreshes) the read-only role of the demo's SQL resource, if the service's database
 * account may create roles (the development machine's `postgres`); otherwise returns undefined and the
 * resource uses the service's own account (docker compose: `ats`, which is not privileged either).
 * A privileged account in a resource is refused unless SQL_ALLOW_PRIVILEGED=true, so this role is
 * what lets the quickstart run without that switch.
 *
 * Roles belong to the whole Postgres server, shared by every database on it (quickstart, test
 * databases): the password is derived from the secrets key, so every seed on the server sets the same
 * one and none breaks another's resource.
 */
export async function ensureDemoReaderRole(db: DataSource, secretsKeys: string): Promise<DemoReaderLogin | undefined> {
  const [account] = await db.query('SELECT rolsuper OR rolcreaterole AS "canCreateRoles" FROM pg_roles WHERE rolname = current_user');
  if (!account?.canCreateRoles) return undefined;
  const password = createHmac('sha256', secretsKeys).update(DEMO_READER_ROLE).digest('hex');
  await db.query(`DO $$ BEGIN
    CREATE ROLE ${DEMO_READER_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
  // Seeds of other databases may alter the same role at the same moment ("tuple concurrently updated").
  await retryConcurrentUpdate(() => db.query(`ALTER ROLE ${DEMO_READER_ROLE} WITH LOGIN PASSWORD '${password}'`));
  await db.query(`DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${DEMO_READER_ROLE}', current_database()); END $$`);
  await db.query(`GRANT USAGE ON SCHEMA ${DEMO_SCHEMA} TO ${DEMO_READER_ROLE}`);
  await db.query(`GRANT SELECT ON ${DEMO_ORDERS_TABLE} TO ${DEMO_READER_ROLE}`);
  return { user: DEMO_READER_ROLE, password };
}

async function retryConcurrentUpdate(statement: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await statement();
      return;
    } catch (error) {
      if (attempt >= 5 || !/concurrently/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
