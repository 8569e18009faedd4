import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';

/** Options shared by the app, the migration runner and the TypeORM CLI. Never `synchronize`: the schema is owned by migrations. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    extra: { max: config.DATABASE_POOL_SIZE, application_name: `ats-${config.APP_MODE}` },
  };
}
