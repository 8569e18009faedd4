import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * Maps raw rows (snake_case column names, values already typed by pg) to an entity's property names,
 * using the entity's own TypeORM metadata — for hot-path reads done with prepared statements, where
 * TypeORM's query building and hydration cost more than the query itself. Columns only, no relations.
 */
export function rowMapper<T extends ObjectLiteral>(repository: Repository<T>, options: { fromJson?: boolean } = {}): (row: Record<string, unknown>) => T {
  const columns = repository.metadata.columns.map((column) => ({
    databaseName: column.databaseName,
    propertyName: column.propertyName,
    // Rows built with row_to_json/json_agg carry timestamps as ISO strings, not Dates.
    reviveDate: !!options.fromJson && ['timestamptz', 'timestamp', 'timestamp with time zone', Date].includes(column.type as never),
  }));
  return (row) => {
    const entity: Record<string, unknown> = {};
    for (const { databaseName, propertyName, reviveDate } of columns) {
      if (!(databaseName in row)) continue;
      const value = row[databaseName];
      entity[propertyName] = reviveDate && typeof value === 'string' ? new Date(value) : value;
    }
    return entity as T;
  };
}
