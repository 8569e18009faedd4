import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

/**
 * Applies pending migrations on a short-lived connection. It runs before Nest initialises the app,
 * because workers start taking jobs during init and must never see an old schema. Concurrent starts
 * are serialised by a Postgres advisory lock.
 */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock(727001)');
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runMigrations(loadConfig())
    .then((names) => {
      console.log(names.length ? `Applied migrations: ${names.join(', ')}` : 'Schema is up to date');
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
