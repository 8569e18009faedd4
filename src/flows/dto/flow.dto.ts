import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import type { FlowDefaults, StepDefinition, VariableDeclaration } from '../flow-definition';
import { EXAMPLE_FLOW } from './flow-example';
import { FlowDefaultsDto, StepDto, VariableDto } from './flow-definition.dto';

/** A step as stored: always has its id and every flag spelled out. */
export class StoredStepDto extends OmitType(StepDto, ['id'] as const) implements StepDefinition {
  @ApiProperty({ description: 'Stable across versions', example: '5d2a9c47-1e0b-4f6d-8b3a-7e9c1d2f3a44' })
  id: string;
}

export class FlowSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_FLOW.name }) name: string;
  @ApiProperty({ example: EXAMPLE_FLOW.description }) description: string;
  @ApiProperty({ type: [String], example: EXAMPLE_FLOW.tags }) tags: string[];
  @ApiProperty({ description: 'Latest version; executions pin the version they ran', example: 3 }) version: number;
  @ApiProperty({ type: [String], example: EXAMPLE_FLOW.stepTypes, description: 'Distinct step types of the latest version' }) stepTypes: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null when created with an API key' }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class FlowDto extends FlowSummaryDto {
  @ApiProperty({ type: [VariableDto], example: EXAMPLE_FLOW.variables }) variables: VariableDeclaration[];
  @ApiProperty({ type: [StoredStepDto], example: EXAMPLE_FLOW.steps }) steps: StepDefinition[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Output name → template, evaluated when a run ends', example: { orderId: '${createOrder.response.body.id}' } })
  outputs: Record<string, string>;
  @ApiProperty({ type: FlowDefaultsDto, description: '`{}` when the flow sets none', example: {} }) defaults: FlowDefaults;
}

export class FlowPageDto {
  @ApiProperty({ type: [FlowSummaryDto] }) items: FlowSummaryDto[];
  @ApiProperty({ example: 42 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}

export class FlowVersionSummaryDto {
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Set when this version was created by restoring an older one', example: 1 })
  restoredFrom: number | null;
  @ApiProperty({ example: 3 }) stepCount: number;
  @ApiProperty({ example: 2 }) variableCount: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
}

export class FlowVersionPageDto {
  @ApiProperty({ type: [FlowVersionSummaryDto], description: 'Newest first' }) items: FlowVersionSummaryDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class FlowVersionDto {
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty({ example: EXAMPLE_FLOW.name }) flowName: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ type: Number, nullable: true }) restoredFrom: number | null;
  @ApiProperty({ type: [VariableDto], example: EXAMPLE_FLOW.variables }) variables: VariableDeclaration[];
  @ApiProperty({ type: [StoredStepDto], example: EXAMPLE_FLOW.steps }) steps: StepDefinition[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Output name → template, evaluated when a run ends', example: { orderId: '${createOrder.response.body.id}' } })
  outputs: Record<string, string>;
  @ApiProperty({ type: FlowDefaultsDto, description: '`{}` when the flow sets none', example: {} }) defaults: FlowDefaults;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
}

export class FlowProblemDto {
  @ApiProperty({ description: 'JSON pointer into the submitted document', example: '/steps/2/config/topic' }) pointer: string;
  @ApiProperty({ description: 'Same as pointer (generic error format)', example: '/steps/2/config/topic' }) field: string;
  @ApiProperty({ example: 'topic must be a string' }) message: string;
}

export class FlowValidationResultDto {
  @ApiProperty({ example: true, description: 'Always true in a 200; an invalid flow answers 400 with details.problems' }) valid: boolean;
  @ApiProperty({ type: [FlowProblemDto], example: [] }) problems: FlowProblemDto[];
}

export class FlowValidationErrorDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'VALIDATION' }) code: string;
  @ApiProperty({ example: 'Flow definition is invalid: /steps/1/config/url: url must be a string (and 1 more)' }) message: string;
  @ApiProperty({
    example: {
      problems: [
        { pointer: '/steps/1/config/url', field: '/steps/1/config/url', message: 'url must be a string' },
        {
          pointer: '/steps/2/config/params/0',
          field: '/steps/2/config/params/0',
          message: '${ordr.response.body.id}: "ordr" is neither a declared variable nor a step of this flow',
        },
      ],
    },
  })
  details: { problems: FlowProblemDto[] };
  @ApiPropertyOptional() requestId?: string;
}

class StepRefDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: '0-based position (in `to` for added steps, in `from` for removed ones)' }) index: number;
}

class StepChangeDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ description: 'Name in `from` when the step was renamed' }) previousName?: string;
  @ApiProperty({ type: [String], example: ['config', 'timeoutMs'] }) fields: string[];
}

class StepMoveDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() fromIndex: number;
  @ApiProperty() toIndex: number;
}

class StepsDiffDto {
  @ApiProperty({ type: [StepRefDto] }) added: StepRefDto[];
  @ApiProperty({ type: [StepRefDto] }) removed: StepRefDto[];
  @ApiProperty({ type: [StepChangeDto] }) changed: StepChangeDto[];
  @ApiProperty({ type: [StepMoveDto], description: 'Steps whose order relative to the other kept steps changed' }) moved: StepMoveDto[];
}

class VariableChangeDto {
  @ApiProperty() name: string;
  @ApiProperty({ type: [String], example: ['default'] }) fields: string[];
}

class VariablesDiffDto {
  @ApiProperty({ type: [String] }) added: string[];
  @ApiProperty({ type: [String] }) removed: string[];
  @ApiProperty({ type: [VariableChangeDto] }) changed: VariableChangeDto[];
}

export class FlowDiffDto {
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty({ example: 1 }) from: number;
  @ApiProperty({ example: 3 }) to: number;
  @ApiProperty({ type: StepsDiffDto }) steps: StepsDiffDto;
  @ApiProperty({ type: VariablesDiffDto }) variables: VariablesDiffDto;
  @ApiProperty({ description: 'The flow-level defaults (defaults.retry) differ' }) defaultsChanged: boolean;
  @ApiProperty({ description: "The flow's outputs differ" }) outputsChanged: boolean;
  @ApiProperty({ description: 'No difference at all' }) identical: boolean;
}
