import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * Maps raw rows (snake_case column names, values already typed by pg) to an entity's property names,
 * using the entity's own TypeORM metadata — for hot-path reads done with prepared statements, where
 * TypeORM's query building and hydration cost more than the query itself. Columns only, no relations.
 */
export function rowMapper<T extends ObjectLiteral>(repository: Repository<T>): (row: Record<string, unknown>) => T {
  const columns = repository.metadata.columns.map((column) => [column.databaseName, column.propertyName] as const);
  return (row) => {
    const entity: Record<string, unknown> = {};
    for (const [databaseName, propertyName] of columns) if (databaseName in row) entity[propertyName] = row[databaseName];
    return entity as T;
  };
}
