import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

const FROM = 'Start of the window, inclusive: an ISO 8601 date (UTC midnight) or date-time (no offset = UTC). Default: 30 days before `to`';
const TO = 'End of the window, exclusive, same format. Default: now. At most 366 days after `from`';

/** The window of executions (by creation time) a statistic reads; parsed and checked by statsWindow(). */
export class StatsWindowQuery {
  @ApiPropertyOptional({ description: FROM, example: '2026-11-01' }) @IsOptional() @IsString() from?: string;
  @ApiPropertyOptional({ description: TO, example: '2026-12-01' }) @IsOptional() @IsString() to?: string;
}

export class FlakiestStepsQuery extends StatsWindowQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100, description: 'How many steps to list' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ default: 5, minimum: 1, maximum: 100000, description: 'Leave out steps with fewer judged runs than this in the window (too few to call flaky)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  minRuns?: number;
}
