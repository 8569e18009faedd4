import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsStringMap } from '../validation/config-validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const RESOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;
export const LABEL_LIMITS = {
  maxEntries: 32,
  maxValueLength: 200,
  keyPattern: /^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/,
  keyDescription: 'a label key (1-63 of A-Za-z0-9_./-, starting with a letter or digit)',
};

/** Fields every resource has, whatever its type. */
export class ResourceFieldsDto {
  @ApiProperty({ example: 'orders-db', pattern: RESOURCE_NAME_PATTERN.source, description: 'Unique in the team; flows refer to resources by id, imports by name' })
  @Transform(trim) @IsString() @Matches(RESOURCE_NAME_PATTERN, { message: 'name must be 1-120 of A-Za-z0-9._- starting with a letter or digit' })
  name: string;

  @ApiPropertyOptional({ example: 'Read replica of the orders database (staging)', maxLength: 1000, nullable: true, type: String })
  @IsOptional() @IsString() @Length(0, 1000)
  description?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'staging', system: 'orders' }, description: 'Free key/value labels for filtering' })
  @IsOptional() @IsStringMap(LABEL_LIMITS)
  labels?: Record<string, string>;

  @ApiPropertyOptional({ example: 'checkout', maxLength: 120, nullable: true, type: String, description: 'Grouping for filtering and display' })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 120)
  group?: string | null;

  @ApiPropertyOptional({ example: 'staging', maxLength: 120, nullable: true, type: String, description: 'E.g. an environment; for filtering' })
  @IsOptional() @Transform(trim) @IsString() @Length(1, 120)
  namespace?: string | null;
}

export class CreateResourceDto extends ResourceFieldsDto {
  @ApiProperty({ example: 'sql', description: 'A registered resource type (see GET /resource-types)' })
  @IsString() @Matches(/^[a-z][a-z0-9-]{0,39}$/, { message: 'type must be a resource type name' })
  type: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The type's config, secrets included (they are encrypted and never returned); validated by the type's schema",
    example: { engine: 'postgres', host: 'orders-db.internal', port: 5432, database: 'orders', user: 'qa_reader', password: 'change-me' },
  })
  @IsObject()
  config: Record<string, unknown>;
}
