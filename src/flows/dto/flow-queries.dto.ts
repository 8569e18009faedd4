import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const FLOW_SORTS = ['name', 'updatedAt', 'createdAt'] as const;
export type FlowSort = (typeof FLOW_SORTS)[number];

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class ListFlowsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name', example: 'order' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  q?: string;

  @ApiPropertyOptional({ description: 'Flows carrying this tag', example: 'smoke' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({ description: 'Flows whose latest version has a step of this type', example: 'http' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  stepType?: string;

  @ApiPropertyOptional({ enum: FLOW_SORTS, default: 'updatedAt' })
  @IsOptional()
  @IsIn(FLOW_SORTS)
  sort?: FlowSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default: asc for name, desc for dates' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class DiffQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Older side; default: the version before `to`', example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  from?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Newer side; default: the latest version', example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  to?: number;
}
