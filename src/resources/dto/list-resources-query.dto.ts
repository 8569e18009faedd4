import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class ListResourcesQueryDto {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  pageSize?: number;

  @ApiPropertyOptional({ example: 'sql' })
  @IsOptional() @IsString() @Length(1, 40)
  type?: string;

  @ApiPropertyOptional({ example: 'checkout' })
  @IsOptional() @IsString() @Length(1, 120)
  group?: string;

  @ApiPropertyOptional({ example: 'staging' })
  @IsOptional() @IsString() @Length(1, 120)
  namespace?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['env=staging'],
    description: '`key=value` (label equals) or `key` (label present); repeat for AND',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray() @ArrayMaxSize(20)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}(=.{0,200})?$/, { each: true, message: 'label must be key or key=value' })
  label?: string[];

  @ApiPropertyOptional({ example: 'orders', description: 'Case-insensitive part of the name' })
  @IsOptional() @IsString() @Length(1, 120)
  search?: string;
}
