import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, Matches } from 'class-validator';

/** A value for a flow variable; the same shape as a single run's variables. */
export class SuiteVariableDto {
  @ApiProperty({ example: 'baseUrl' })
  @IsString() @Matches(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/, { message: 'name must be a variable name' })
  name: string;

  @ApiProperty({ example: 'https://staging.example.com', description: 'Any JSON value; converted to the type the flow declares' })
  @IsDefined()
  value: unknown;

  @ApiPropertyOptional({ enum: ['string', 'number', 'boolean', 'json'] })
  @IsOptional() @IsIn(['string', 'number', 'boolean', 'json'])
  type?: 'string' | 'number' | 'boolean' | 'json';
}
