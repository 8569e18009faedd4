import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString } from 'class-validator';
import { ResourceFieldsDto } from './create-resource.dto';

/**
 * Every field optional. `config`, when given, replaces the non-secret config entirely; its secret
 * fields follow PATCH semantics: omitted keeps the stored secret, `null` clears it, a value replaces it.
 * Every accepted update bumps `version`.
 */
export class UpdateResourceDto extends PartialType(ResourceFieldsDto) {
  @ApiPropertyOptional({ example: 'sql', description: 'Cannot change; accepted when equal to the current type' })
  @IsOptional() @IsString()
  type?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'New config; omitted secret fields keep their stored values, null clears them',
    example: { engine: 'postgres', host: 'orders-db-2.internal', port: 5432, database: 'orders', user: 'qa_reader' },
  })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;
}
