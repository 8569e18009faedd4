import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ResourceDto {
  @ApiProperty({ format: 'uuid', example: '3f1c2a4e-8d1b-4c7e-9a55-0b6f2d9e7c11' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'orders-db' }) name: string;
  @ApiProperty({ example: 'sql' }) type: string;
  @ApiProperty({ nullable: true, type: String, example: 'Read replica of the orders database (staging)' }) description: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'staging' } }) labels: Record<string, string>;
  @ApiProperty({ nullable: true, type: String, example: 'checkout' }) group: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'staging' }) namespace: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The type's config with defaults applied and without its secret fields",
    example: { engine: 'postgres', host: 'orders-db.internal', port: 5432, database: 'orders', user: 'qa_reader', allowWrites: false, poolSize: 5, statementTimeoutMs: 30000 },
  })
  config: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    description: 'Each secret field that applies to this config, and whether a value is stored. Values are never returned.',
    example: { password: true, 'ssl.key': false },
  })
  secrets: Record<string, boolean>;

  @ApiProperty({ example: 3, description: 'Incremented by every update' }) version: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class ResourcePageDto {
  @ApiProperty({ type: [ResourceDto] }) items: ResourceDto[];
  @ApiProperty({ example: 42, description: 'Matching resources across all pages' }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) pageSize: number;
}

export class ConnectionTestResultDto {
  @ApiProperty({ example: false }) ok: boolean;
  @ApiProperty({ example: 38, description: 'Time until success, failure or timeout' }) latencyMs: number;
  @ApiPropertyOptional({ example: "Access denied for user 'qa_reader'@'10.0.3.7' (using password: YES)", description: "The driver's message on failure (secrets redacted)" })
  error?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { serverVersion: '16.4' } })
  details?: Record<string, unknown>;
}

export class ResourceTypeDto {
  @ApiProperty({ example: 'sql' }) type: string;
  @ApiProperty({ example: 'PostgreSQL or MySQL/MariaDB database for SQL steps' }) description: string;
  @ApiProperty({ type: [String], example: ['password', 'ssl.key'], description: 'Config paths that are secrets' }) secretFields: string[];
  @ApiProperty({ description: 'Name of the config schema in this OpenAPI document', example: 'SqlResourceConfig' }) configSchema: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { engine: 'postgres', host: 'db', database: 'orders', user: 'qa' } }) example: Record<string, unknown>;
}
