import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { SecretField } from '../../resources/resource-type';
import { Optional } from '../../resources/validation/config-validators';
import { ResourceTlsOptions } from '../shared/resource-tls-options.dto';

export const SQL_ENGINES = ['postgres', 'mysql'] as const;
export type SqlEngine = (typeof SQL_ENGINES)[number];
export const SQL_DEFAULT_PORTS: Record<SqlEngine, number> = { postgres: 5432, mysql: 3306 };

/** A PostgreSQL or MySQL/MariaDB database that SQL steps query. */
export class SqlResourceConfig {
  @ApiProperty({ enum: SQL_ENGINES, example: 'postgres', description: '`mysql` also covers MariaDB' })
  @IsIn(SQL_ENGINES)
  engine: SqlEngine;

  @ApiProperty({ example: 'orders-db.internal' })
  @IsString() @Length(1, 255)
  host: string;

  @ApiPropertyOptional({ example: 5432, description: 'Default 5432 for postgres, 3306 for mysql' })
  @Optional() @IsInt() @Min(1) @Max(65535)
  port?: number;

  @ApiProperty({ example: 'orders' })
  @IsString() @Length(1, 128)
  database: string;

  @ApiProperty({ example: 'qa_reader' })
  @IsString() @Length(1, 128)
  user: string;

  @ApiPropertyOptional({ description: 'Secret: write-only, stored encrypted.', writeOnly: true, example: 'change-me' })
  @Optional() @IsString() @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ type: ResourceTlsOptions, description: 'Present = connect with TLS' })
  @Optional() @ValidateNested() @Type(() => ResourceTlsOptions)
  ssl?: ResourceTlsOptions;

  @ApiPropertyOptional({ default: false, description: 'When false, SQL steps run every query inside a read-only transaction' })
  @Optional() @IsBoolean()
  allowWrites: boolean = false;

  @ApiPropertyOptional({ default: 5, minimum: 1, maximum: 50, description: 'Connections a worker keeps open to this database' })
  @Optional() @IsInt() @Min(1) @Max(50)
  poolSize: number = 5;

  @ApiPropertyOptional({ default: 30000, minimum: 100, maximum: 600000, description: 'Server-side statement timeout' })
  @Optional() @IsInt() @Min(100) @Max(600_000)
  statementTimeoutMs: number = 30_000;
}

export const SQL_SECRETS: SecretField[] = [{ path: 'password' }, { path: 'ssl.key' }];
