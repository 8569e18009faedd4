import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry } from '../../steps/step-registry.testing';
import { LokiConnectionTester } from './loki-connection.tester';
import { LokiStep } from './loki.step';
import { LokiStepConfig } from './loki-step.config';
import { loadConfig } from '../../config/load-config';
import { EgressService } from '../../egress/egress.service';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function registry(): StepRegistry {
  return specStepRegistry({ resourceTypes: [LokiConnectionTester], plugins: [new LokiStep(new EgressService(loadConfig({ NODE_ENV: 'test' })))] });
}

describe('loki step config validation', () => {
  const steps = registry();
  const validate = (config: Record<string, unknown>, substituted = true) =>
    steps.validateConfig<LokiStepConfig>('loki', { resourceId: RESOURCE_ID, ...config }, substituted);
  const pointers = (config: Record<string, unknown>, substituted = true) => validate(config, substituted).problems.map((p) => p.pointer);

  it('registers as type loki needing a loki resource', () => {
    expect(steps.get('loki')).toMatchObject({ metadata: { type: 'loki' }, resourceType: 'loki' });
  });

  it('accepts a complete config and keeps its values', () => {
    const { config, problems } = validate({
      labels: { app: 'orders-api', env: 'staging' },
      namespace: 'prod',
      containsPatterns: ['order o-1', 'PAID'],
      notContainsPatterns: ['healthcheck'],
      regexPatterns: ['took [0-9]+ms'],
      relative: '15m',
      limit: 200,
      direction: 'forward',
    });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ labels: { app: 'orders-api', env: 'staging' }, limit: 200, direction: 'forward', relative: '15m' });
  });

  it('accepts absolute windows in epoch ms or RFC 3339, and relative "flow"', () => {
    expect(validate({ labels: { app: 'a' }, startTime: 1767225600000, endTime: 1767229200000 }).problems).toEqual([]);
    expect(validate({ labels: { app: 'a' }, startTime: '2026-01-01T00:00:00Z' }).problems).toEqual([]);
    expect(validate({ labels: { app: 'a' }, relative: 'flow' }).problems).toEqual([]);
  });

  it('accepts expect "some" or "none" and refuses anything else', () => {
    expect(validate({ labels: { app: 'a' }, expect: 'none' }).problems).toEqual([]);
    expect(validate({ labels: { app: 'a' }, expect: 'some' }).problems).toEqual([]);
    expect(pointers({ labels: { app: 'a' }, expect: 'absent' })).toEqual(['/expect']);
  });

  it('requires labels', () => {
    expect(pointers({})).toContain('/labels');
    expect(pointers({ labels: ['app'] })).toContain('/labels');
  });

  it('refuses a selector without a non-empty matcher, naming labels', () => {
    for (const labels of [{}, { app: '' }]) {
      const { problems } = validate({ labels });
      expect(problems).toEqual([{ pointer: '/labels', message: expect.stringContaining('at least one label with a non-empty value') }]);
    }
  });

  it('accepts a namespace as the only matcher', () => {
    expect(validate({ labels: {}, namespace: 'prod' }).problems).toEqual([]);
  });

  it('refuses label names Loki does not accept', () => {
    const { problems } = validate({ labels: { 'app-name': 'x' } });
    expect(problems).toEqual([{ pointer: '/labels', message: expect.stringContaining('"app-name" is not a valid Loki label name') }]);
  });

  it('refuses empty line filters and non-string patterns, at the item', () => {
    expect(validate({ labels: { app: 'a' }, containsPatterns: ['ok', ''] }).problems).toEqual([
      { pointer: '/containsPatterns/1', message: 'must not be empty' },
    ]);
    expect(pointers({ labels: { app: 'a' }, regexPatterns: 'error' })).toContain('/regexPatterns');
    expect(pointers({ labels: { app: 'a' }, notContainsPatterns: [{}] })).toContain('/notContainsPatterns');
  });

  it('takes numbers from references as text in labels and patterns', () => {
    const { config, problems } = validate({ labels: { build: 1234 }, containsPatterns: [42, true] });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ labels: { build: '1234' }, containsPatterns: ['42', 'true'] });
  });

  it.each([
    [{ relative: '5m', startTime: 1767225600000 }, '/relative', 'either relative or startTime/endTime'],
    [{ relative: 'yesterday' }, '/relative', 'is not a duration'],
    [{ startTime: 1767225600 }, '/startTime', 'looks like epoch seconds'],
    [{ startTime: 1767229200000, endTime: 1767225600000 }, '/endTime', 'must be after startTime'],
    [{ endTime: 1767225600000 }, '/startTime', 'needs a startTime'],
    [{ startTime: 'last tuesday' }, '/startTime', 'neither epoch milliseconds nor an RFC 3339 time'],
    [{ startTime: 1.5 }, '/startTime', 'must be epoch milliseconds'],
  ])('refuses the time window %j at %s', (window, pointer, message) => {
    const { problems } = validate({ labels: { app: 'a' }, ...window });
    expect(problems).toContainEqual({ pointer, message: expect.stringContaining(message) });
  });

  it.each([
    [{ limit: 0 }, '/limit'],
    [{ limit: 5001 }, '/limit'],
    [{ limit: 2.5 }, '/limit'],
    [{ direction: 'sideways' }, '/direction'],
    [{ resourceId: 'loki-prod' }, '/resourceId'],
    [{ namespace: ['prod'] }, '/namespace'],
    [{ since: '1h' }, '/since'],
  ])('refuses %j', (fields, pointer) => {
    expect(pointers({ labels: { app: 'a' }, ...fields })).toContain(pointer);
  });

  it('defers ${...} references to run time when saving', () => {
    const raw = {
      labels: { app: '${service}' },
      containsPatterns: ['${create.response.body.id}'],
      startTime: '${nowMs("-5m")}',
      limit: '${maxLines}',
    };
    expect(validate(raw, false).problems).toEqual([]);
    expect(validate({ labels: '${labels}' }, false).problems).toEqual([]);
    // At run time the config is validated again after substitution, types included.
    expect(pointers({ ...raw, limit: 'lots' }, true)).toContain('/limit');
  });

  it('describes its config for the step catalogue without dangling references', () => {
    const schema = targetConstructorToSchema(LokiStepConfig, { classValidatorMetadataStorage: getMetadataStorage() });
    expect(JSON.stringify(schema)).not.toContain('$ref');
    expect(schema.required).toEqual(['resourceId', 'labels']);
    expect(schema.properties?.labels).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(schema.properties?.startTime).toMatchObject({ oneOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(schema.properties?.direction).toMatchObject({ enum: ['forward', 'backward'] });
  });
});
