import { Logger } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

const logger = new Logger('Database');

/**
 * Gives every connection of the DataSource's pg pool a lasting 'error' listener.
 *
 * pg emits 'error' on a client whose server ends the connection while no query runs on it (a failover,
 * `pg_terminate_backend`). The pool listens on idle clients and TypeORM on the ones its query runners
 * hold, but not in between: when the termination arrives in the same network read as the answer that
 * hands the client out (seen in the postgres-kill drill: the last connect reply and the FATAL notice
 * parsed in one go), the event fires before TypeORM has attached its listener, and an 'error' nobody
 * listens to is thrown — it would crash the worker. The pool emits 'connect' before it hands a new
 * client out, so a listener attached there is always in place. The connection's death is still seen
 * where it matters: the pool drops the client and the query using it fails and is retried.
 */
export function guardPoolErrors(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return;
  const guard = (client: PoolClient) => {
    client.on('error', (error: Error) => logger.warn(`a database connection failed outside a query: ${error.message}`));
  };
  pool.on('connect', guard);
  // Connections opened while the DataSource initialised (before this listener).
  for (const client of (pool as unknown as { _clients?: PoolClient[] })._clients ?? []) guard(client);
}
