import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class RerunExecutionQuery {
  @ApiPropertyOptional({
    example: 'check',
    description:
      'Resume from this step (its name): the steps before it are not run again, their stored results from the original are reused (marked `reused: true`) and later `${step.response…}` references read them. ' +
      'Refused (400) when no step has that name, a step before it runs in the background, did not succeed (without continueOnFailure/allowFailure) or has a truncated stored result',
  })
  @IsOptional() @IsString() @Length(1, 200)
  fromStep?: string;
}
