import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class ScheduleDto {
  @ApiProperty({
    example: '0 6 * * 1-5',
    description: 'Cron expression: 5 fields, or 6 with seconds first (`*/30 * * * * *`)',
  })
  @IsString() @MinLength(1) @MaxLength(120)
  cron: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: 'IANA time zone the expression is read in' })
  @IsOptional() @IsString() @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}
