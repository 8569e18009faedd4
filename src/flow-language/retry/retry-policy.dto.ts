import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';

/** Ten minutes: a longer wait between attempts is more likely a unit mistake than intent, and holds a worker slot. */
const MAX_DELAY_MS = 600_000;

/** A step's `retry` in a flow definition; omitted fields take the defaults (see resolveRetryPolicy). */
export class RetryPolicyDto implements Partial<RetryPolicy> {
  @ApiPropertyOptional({
    description: 'Retries after the first attempt (0 = no retry).',
    minimum: 0,
    maximum: 100,
    default: DEFAULT_RETRY_POLICY.maxRetries,
    example: 3,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  maxRetries?: number;

  @ApiPropertyOptional({
    description: 'Wait before the first retry, in milliseconds.',
    minimum: 0,
    maximum: MAX_DELAY_MS,
    default: DEFAULT_RETRY_POLICY.initialDelayMs,
    example: 1000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DELAY_MS)
  initialDelayMs?: number;

  @ApiPropertyOptional({
    description: 'Factor applied to the wait after each retry (1 = constant delay).',
    minimum: 1,
    maximum: 10,
    default: DEFAULT_RETRY_POLICY.backoffMultiplier,
    example: 2,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(10)
  backoffMultiplier?: number;

  @ApiPropertyOptional({
    description: 'Upper bound of any single wait, in milliseconds.',
    minimum: 0,
    maximum: MAX_DELAY_MS,
    default: DEFAULT_RETRY_POLICY.maxDelayMs,
    example: 30000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DELAY_MS)
  maxDelayMs?: number;
}
