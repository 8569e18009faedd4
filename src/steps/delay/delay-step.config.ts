import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class DelayStepConfig {
  @ApiProperty({ description: 'How long to wait', example: 2000, minimum: 0, maximum: 3_600_000 })
  @IsInt() @Min(0) @Max(3_600_000)
  delayMs: number;
}
