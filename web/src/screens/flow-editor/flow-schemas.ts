import type { JsonSchema } from './json-schema';

/**
 * The flow's own fields as JSON Schemas, so the same generic renderer draws them as it draws step
 * configs (mirrors src/flows/dto/flow-definition.dto.ts; the API stays the judge through /validate).
 */
export const ASSERTION_OPERATORS = [
  'equals', 'notEquals', 'contains', 'notContains', 'matches', 'gt', 'gte', 'lt', 'lte',
  'exists', 'notExists', 'in', 'notIn', 'lengthEquals', 'isType',
];

export const FLOW_HEADER_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'Unique in the team' },
    description: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    variables: {
      type: 'array',
      description: 'Inputs of a run, read as ${name}',
      items: {
        type: 'object',
        required: ['name', 'type'],
        properties: {
          name: { type: 'string' },
          type: { enum: ['string', 'number', 'boolean', 'json'] },
          default: { description: 'Used when a run does not supply a value' },
          required: { type: 'boolean' },
          description: { type: 'string' },
        },
      },
    },
  },
};

export const FLOW_OUTPUTS_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Output name → template, evaluated when a run ends',
  additionalProperties: { type: 'string' },
};

/** A step's fields other than name, type and config. */
export const STEP_OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    runInBackground: { type: 'boolean', description: 'Start the step and go on; the flow waits for it before it ends' },
    continueOnFailure: { type: 'boolean', description: 'A failure of this step does not stop the flow' },
    timeoutMs: { type: 'integer', minimum: 1, description: 'Per attempt' },
    retry: {
      type: 'object',
      description: 'Omitted fields take the defaults: 3 retries, 1000 ms, ×2, at most 30000 ms',
      properties: {
        maxRetries: { type: 'integer', minimum: 0 },
        initialDelayMs: { type: 'integer', minimum: 0 },
        backoffMultiplier: { type: 'number', minimum: 1 },
        maxDelayMs: { type: 'integer', minimum: 0 },
      },
    },
    holdFor: {
      type: 'object',
      description: 'Consistently: every check for durationMs must pass (not with retry, not in background)',
      required: ['durationMs', 'intervalMs'],
      properties: { durationMs: { type: 'integer', minimum: 1 }, intervalMs: { type: 'integer', minimum: 1 } },
    },
  },
};

export const ASSERTIONS_SCHEMA: JsonSchema = {
  type: 'array',
  description: 'Checked against the step result, e.g. path "status", operator equals, expected 200',
  items: {
    type: 'object',
    required: ['path', 'operator'],
    properties: {
      path: { type: 'string' },
      operator: { enum: ASSERTION_OPERATORS },
      expected: { description: 'JSON (200, "text", {"a":1}) or plain text' },
    },
  },
};
