import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class FlowStepConfig {
  @ApiProperty({
    format: 'uuid',
    description: 'The flow to run, of the same team. A literal id (no ${...}): calls are checked at save for cycles and nesting depth (at most 5 levels).',
    example: '3f6c1a52-9b0e-4c47-a1d2-6e8f0b7c9d10',
  })
  @IsUUID()
  flowId: string;

  @ApiPropertyOptional({ description: 'A pinned version of that flow; the latest when omitted', example: 2, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2 ** 31 - 1)
  version?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The child's run-time variables (name → value; values may hold ${...} references to this flow's variables and earlier steps)",
    example: { customerId: '${customerId}', token: '${login.response.body.token}' },
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;
}
