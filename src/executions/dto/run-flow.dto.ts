import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CORRELATION_ID_PATTERN, CORRELATION_ID_RULE } from '../execution-correlation';
import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested, ArrayMaxSize } from 'class-validator';

export class RunVariableDto {
  @ApiProperty({ example: 'orderId' })
  @IsString() @Matches(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/, { message: 'name must be a variable name' })
  name: string;

  @ApiProperty({ example: 'A-1001', description: 'Any JSON value; converted to the declared type' })
  @IsDefined()
  value: unknown;

  @ApiPropertyOptional({ enum: ['string', 'number', 'boolean', 'json'] })
  @IsOptional() @IsIn(['string', 'number', 'boolean', 'json'])
  type?: 'string' | 'number' | 'boolean' | 'json';
}

export class RunParametersDto {
  @ApiPropertyOptional({ description: 'Delay before the run starts, in ms (a delayed job)', example: 0, maximum: 86_400_000 })
  @IsOptional() @IsInt() @Min(0) @Max(86_400_000)
  initialDelay?: number;

  @ApiPropertyOptional({ description: 'Time budget of this run, in ms; may lower EXECUTION_MAX_DURATION_SEC, never raise it', example: 600000 })
  @IsOptional() @IsInt() @Min(1000) @Max(86_400_000)
  timeoutMs?: number;
}

export class RunFlowDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  flowId: string;

  @ApiPropertyOptional({ description: 'Version to run; the latest when omitted', example: 3 })
  @IsOptional() @IsInt() @Min(1)
  version?: number;

  @ApiPropertyOptional({ type: [RunVariableDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => RunVariableDto)
  variables?: RunVariableDto[];

  @ApiPropertyOptional({
    example: 'checkout-smoke-2026-12-07',
    description:
      'Sent to the system under test as the correlation header (default X-Correlation-Id) and readable as ${execution.correlationId}; a fresh id when omitted. ' +
      CORRELATION_ID_RULE,
  })
  @IsOptional() @IsString() @Matches(CORRELATION_ID_PATTERN, { message: `correlationId must be ${CORRELATION_ID_RULE}` })
  correlationId?: string;

  @ApiPropertyOptional({ type: RunParametersDto })
  @IsOptional() @ValidateNested() @Type(() => RunParametersDto)
  parameters?: RunParametersDto;
}
