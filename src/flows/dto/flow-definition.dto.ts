import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AssertionDto } from '../../flow-language/assertions/assertion.dto';
import { RetryPolicyDto } from '../../flow-language/retry/retry-policy.dto';
import { HoldPolicyDto } from '../../flow-language/hold/hold-policy.dto';
import type { FlowDefaults, StepDefinition, VariableDeclaration, VariableType } from '../flow-definition';
import { FLOW_LIMITS, REFERENCE_NAME, STEP_ID } from '../flow-limits';

export const VARIABLE_TYPES: readonly VariableType[] = ['string', 'number', 'boolean', 'json'];

// validateShape stops at the first failing constraint of a field, and class-validator runs a field's
// decorators bottom-up: the type check sits nearest the property so a missing value reads "must be a string".
const NAME_MESSAGE = 'must start with a letter or "_" and contain only letters, digits and "_" (at most 64 characters)';

export class VariableDto implements VariableDeclaration {
  @ApiProperty({ example: 'baseUrl', pattern: REFERENCE_NAME.source, description: 'Referenced as `${baseUrl}`' })
  @Matches(REFERENCE_NAME, { message: `name ${NAME_MESSAGE}` })
  @IsString()
  name: string;

  @ApiProperty({ enum: VARIABLE_TYPES, example: 'string' })
  @IsIn(VARIABLE_TYPES)
  type: VariableType;

  @ApiPropertyOptional({ description: 'Value when the run does not supply one; must match `type`', example: 'http://orders.internal:8080' })
  @Allow()
  default?: unknown;

  @ApiPropertyOptional({ description: 'A run must end up with a value (its own or the default)', default: false })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class StepDto implements Omit<StepDefinition, 'id'> {
  @ApiPropertyOptional({
    description: 'Stable id across versions. Omit for a new step: a uuid is generated (or the id of the step with the same name in the previous version is kept).',
    example: '5d2a9c47-1e0b-4f6d-8b3a-7e9c1d2f3a44',
  })
  @IsOptional()
  @IsString()
  @Matches(STEP_ID, { message: 'id must be 1 to 64 letters, digits, "-" or "_"' })
  id?: string;

  @ApiProperty({ example: 'createOrder', pattern: REFERENCE_NAME.source, description: 'Unique in the flow; later steps read `${createOrder.response...}`' })
  @Matches(REFERENCE_NAME, { message: `name ${NAME_MESSAGE}` })
  @IsString()
  name: string;

  @ApiProperty({ example: 'http', description: 'A registered step type' })
  @Length(1, 40)
  @IsString()
  type: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: `Validated by the step type's plugin; strings may hold \`\${...}\` references. At most ${FLOW_LIMITS.configBytes / 1024} KB as JSON. Steps that need a resource name it with \`resourceId\`.`,
    example: { method: 'POST', url: '${baseUrl}/orders', body: { customerId: '${customerId}' } },
  })
  @IsObject()
  config: Record<string, unknown>;

  @ApiPropertyOptional({ type: [AssertionDto], maxItems: FLOW_LIMITS.assertionsPerStep })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(FLOW_LIMITS.assertionsPerStep)
  @ValidateNested({ each: true })
  @Type(() => AssertionDto)
  assertions?: AssertionDto[];

  @ApiPropertyOptional({ minimum: FLOW_LIMITS.timeoutMs.min, maximum: FLOW_LIMITS.timeoutMs.max, example: 10000, description: 'Per attempt' })
  @IsOptional()
  @IsInt()
  @Min(FLOW_LIMITS.timeoutMs.min)
  @Max(FLOW_LIMITS.timeoutMs.max)
  timeoutMs?: number;

  @ApiPropertyOptional({ type: RetryPolicyDto, description: 'Without it (and without the flow\'s defaults.retry) the step runs once. Omitted fields take the flow\'s defaults.retry, then 3 retries, 1000 ms, ×2, at most 30000 ms' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retry?: RetryPolicyDto;

  @ApiPropertyOptional({
    type: HoldPolicyDto,
    description:
      'Judge the step "consistently" instead of once: it runs (plugin + assertions) at +0, every intervalMs and at +durationMs, and every check must pass; it fails at the first check that does not, naming it. `attempts` counts the checks; the stored response is the last check\'s. Not together with `retry`, not on a background step.',
    example: { durationMs: 5000, intervalMs: 1000 },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => HoldPolicyDto)
  holdFor?: HoldPolicyDto;

  @ApiPropertyOptional({ default: false, description: 'A failure of this step does not stop the flow' })
  @IsOptional()
  @IsBoolean()
  continueOnFailure?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      'Start the step and go on; the flow waits for it before it ends. A later step that reads its result waits for it. A late field of its type (kafka-subscribe searchPattern) may read steps that come after it: matching starts once they have finished.',
  })
  @IsOptional()
  @IsBoolean()
  runInBackground?: boolean;

  @ApiPropertyOptional({ default: false, description: 'A failure of this step is a warning: the step stays ERROR with warning: true and the execution can end COMPLETED (counted in warnings)' })
  @IsOptional()
  @IsBoolean()
  allowFailure?: boolean;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'Run the step only when this holds; otherwise it is SKIPPED with the evaluated condition. Operators ==, !=, <, <=, >, >=, &&, ||, !, in, parentheses; literals, arrays and ${...} references.',
    example: "${placeOrder.response.body.amount} > 100 && ${region} == 'eu'",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  when?: string;
}

/** Flow-level defaults (`defaults.retry`). */
export class FlowDefaultsDto implements FlowDefaults {
  @ApiPropertyOptional({ type: RetryPolicyDto, description: 'Retry of every step that has no `retry` of its own' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retry?: RetryPolicyDto;
}

/** Name, description and tags: editable without creating a version. */
export class FlowHeaderFieldsDto {
  @ApiProperty({ example: 'Order placed → row stored → event published', minLength: 1, maxLength: FLOW_LIMITS.nameLength, description: 'Unique in the team' })
  @Matches(/\S/, { message: 'name must not be blank' })
  @Length(1, FLOW_LIMITS.nameLength)
  @IsString()
  name: string;

  @ApiPropertyOptional({ maxLength: FLOW_LIMITS.descriptionLength, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(FLOW_LIMITS.descriptionLength)
  description?: string;

  @ApiPropertyOptional({ type: [String], maxItems: FLOW_LIMITS.tags, example: ['checkout', 'smoke'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(FLOW_LIMITS.tags)
  @IsString({ each: true })
  @Length(1, FLOW_LIMITS.tagLength, { each: true })
  tags?: string[];
}

/** A whole flow as written by its author: POST body, dry-run body, one entry of an import document. */
export class FlowDefinitionDto extends FlowHeaderFieldsDto {
  @ApiPropertyOptional({ type: [VariableDto], maxItems: FLOW_LIMITS.variables })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(FLOW_LIMITS.variables)
  @ValidateNested({ each: true })
  @Type(() => VariableDto)
  variables?: VariableDto[];

  @ApiPropertyOptional({ type: [StepDto], maxItems: FLOW_LIMITS.steps, description: 'Run in this order' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(FLOW_LIMITS.steps)
  @ValidateNested({ each: true })
  @Type(() => StepDto)
  steps?: StepDto[];

  // Names and templates are checked by FlowValidator (flow-language/outputs/output-rules.ts), with pointers.
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'What the flow hands back when it ends: name (letters, digits, "_") → template over its variables and steps, evaluated when the run ends and shown as `outputs` on the execution. A parent flow calling this one with a `flow` step reads `${child.response.outputs.<name>}`.',
    example: { orderId: '${placeOrder.response.body.id}' },
  })
  @IsOptional()
  @IsObject()
  outputs?: Record<string, string>;
  @ApiPropertyOptional({ type: FlowDefaultsDto, example: { retry: { maxRetries: 2, initialDelayMs: 500 } } })
  @IsOptional()
  @ValidateNested()
  @Type(() => FlowDefaultsDto)
  defaults?: FlowDefaultsDto;
}

/** PATCH body: any subset. Changing `variables`, `steps` or `outputs` creates a new version; the rest does not. */
export class UpdateFlowDto extends PartialType(FlowDefinitionDto) {
  @ApiPropertyOptional({
    description:
      "Optimistic lock: the version the edit is based on. When the latest version differs the edit answers 409 instead of overwriting someone else's change.",
    example: 3,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  baseVersion?: number;
}
