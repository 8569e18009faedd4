import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';

/** An unsaved config to test, e.g. from an edit form. */
export class TestResourceConfigDto {
  @ApiProperty({ example: 'kafka' })
  @IsString() @Matches(/^[a-z][a-z0-9-]{0,39}$/, { message: 'type must be a resource type name' })
  type: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { brokers: ['kafka-1.internal:9092'], clientId: 'ats-orders-tests' } })
  @IsObject()
  config: Record<string, unknown>;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'When editing a saved resource: secret fields omitted from config are taken from it (same rules as PATCH)',
  })
  @IsOptional() @IsUUID()
  resourceId?: string;
}

export class ConnectionTestQueryDto {
  @ApiPropertyOptional({ minimum: 100, maximum: 60000, description: 'Time budget of the test; default RESOURCE_TEST_TIMEOUT_MS (5000)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(100) @Max(60_000)
  timeoutMs?: number;
}
