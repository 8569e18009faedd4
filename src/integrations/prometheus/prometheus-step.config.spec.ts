import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry } from '../../steps/step-registry.testing';
import { PrometheusConnectionTester } from './prometheus-connection.tester';
import { PrometheusStep } from './prometheus.step';
import { PrometheusStepConfig } from './prometheus-step.config';
import { loadConfig } from '../../config/load-config';
import { EgressService } from '../../egress/egress.service';

const RESOURCE_ID = '0b6f4c1e-7d2a-4f3b-8c9d-5e6f7a8b9c0d';

function registry(): StepRegistry {
  return specStepRegistry({ resourceTypes: [PrometheusConnectionTester], plugins: [new PrometheusStep(new EgressService(loadConfig({ NODE_ENV: 'test' })))] });
}

describe('prometheus step config validation', () => {
  const steps = registry();
  const base = { resourceId: RESOURCE_ID, query: 'avg(queue_depth)', duration1: { relative: '30m' } };
  const validate = (config: Record<string, unknown>, substituted = true) =>
    steps.validateConfig<PrometheusStepConfig>('prometheus', { ...base, ...config }, substituted);
  const pointers = (config: Record<string, unknown>, substituted = true) => validate(config, substituted).problems.map((p) => p.pointer);

  it('registers as type prometheus needing a prometheus resource', () => {
    expect(steps.get('prometheus')).toMatchObject({ metadata: { type: 'prometheus' }, resourceType: 'prometheus' });
  });

  it('accepts a comparison of two windows with every option', () => {
    const { config, problems } = validate({
      query: 'sum by (queue) (queue_depth{queue=$queue})',
      labelValues: { queue: 'emails' },
      duration1: { startTime: 1767218400000, endTime: '2026-01-01T00:30:00Z' },
      duration2: { relative: { ago: '1h', length: '30m' } },
      step: '1m',
      aggregation: 'p95',
      threshold: 12.5,
      direction: 'increase',
    });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ aggregation: 'p95', threshold: 12.5, direction: 'increase', duration2: { relative: { ago: '1h', length: '30m' } } });
  });

  it('accepts a single window', () => {
    expect(validate({}).problems).toEqual([]);
  });

  it.each(['', '   \n'])('refuses an empty query %j', (query) => {
    expect(validate({ query }).problems).toEqual([{ pointer: '/query', message: 'query must not be empty' }]);
  });

  it('requires query and duration1', () => {
    expect(pointers({ query: undefined })).toContain('/query');
    expect(validate({ duration1: undefined }).problems).toContainEqual({ pointer: '/duration1', message: expect.stringContaining('duration1 must be an object') });
  });

  it.each([
    [{ duration1: {} }, '/duration1', 'needs startTime (and optionally endTime) or relative'],
    [{ duration1: { relative: '30m', startTime: 1767218400000 } }, '/duration1', 'either relative or startTime/endTime'],
    [{ duration1: { relative: 'soon' } }, '/duration1/relative', 'is not a duration'],
    [{ duration1: { relative: { ago: '30m', length: '1h' } } }, '/duration1/relative', 'would end in the future'],
    [{ duration1: { relative: { ago: '1h' } } }, '/duration1/relative', 'must be a duration such as'],
    [{ duration1: { startTime: 1767218400 } }, '/duration1/startTime', 'looks like epoch seconds'],
    [{ duration1: { startTime: 1767220200000, endTime: 1767218400000 } }, '/duration1', 'must be after startTime'],
    [{ duration1: { start: 1767218400000 } }, '/duration1/start', 'should not exist'],
    [{ duration2: { relative: '0s' } }, '/duration2/relative', 'greater than zero'],
    [{ duration2: 'yesterday' }, '/duration2', 'must be an object'],
  ])('refuses the window %j at %s', (fields, pointer, message) => {
    expect(validate(fields).problems).toContainEqual({ pointer, message: expect.stringContaining(message) });
  });

  it.each([
    [{ step: 'fast' }, '/step'],
    [{ step: '0s' }, '/step'],
    [{ aggregation: 'median' }, '/aggregation'],
    [{ threshold: -1 }, '/threshold'],
    [{ threshold: '20%' }, '/threshold'],
    [{ direction: 'up' }, '/direction'],
    [{ resourceId: 'prom' }, '/resourceId'],
    [{ labelValues: { 'bad-name': 'x' } }, '/labelValues'],
    [{ labelValues: { queue: { nested: true } } }, '/labelValues'],
    [{ unknown: 1 }, '/unknown'],
  ])('refuses %j', (fields, pointer) => {
    expect(pointers(fields)).toContain(pointer);
  });

  it('requires a labelValues entry for every $placeholder, ignoring $ inside strings', () => {
    expect(validate({ query: 'queue_depth{queue=$queue}' }).problems).toEqual([
      { pointer: '/labelValues', message: expect.stringContaining('query uses $queue but labelValues defines nothing') },
    ]);
    expect(validate({ query: 'queue_depth{queue=$queue}', labelValues: { queue: 'emails' } }).problems).toEqual([]);
    expect(validate({ query: 'queue_depth{queue=~"emails$"}' }).problems).toEqual([]);
  });

  it('takes numbers from references as text in labelValues', () => {
    const { config, problems } = validate({ query: 'build_info{build=$build}', labelValues: { build: 1234 } });
    expect(problems).toEqual([]);
    expect(config?.labelValues).toEqual({ build: '1234' });
  });

  it('defers ${...} references to run time when saving', () => {
    const raw = {
      query: '${savedQuery}',
      labelValues: { service: '${create.response.body.service}' },
      duration1: { startTime: '${nowMs("-2h")}', endTime: '${nowMs("-1h")}' },
      duration2: '${currentWindow}',
      step: '${resolution}',
      threshold: '${maxChangePercent}',
    };
    expect(validate(raw, false).problems).toEqual([]);
    expect(pointers({ ...raw, threshold: 'high' }, true)).toContain('/threshold');
  });

  it('describes its config for the step catalogue without dangling references', () => {
    const schema = targetConstructorToSchema(PrometheusStepConfig, { classValidatorMetadataStorage: getMetadataStorage() });
    expect(JSON.stringify(schema)).not.toContain('$ref');
    expect(schema.required).toEqual(['resourceId', 'query', 'duration1']);
    expect(schema.properties?.duration1).toMatchObject({
      type: 'object',
      properties: { startTime: { oneOf: [{ type: 'integer' }, { type: 'string' }] }, relative: { oneOf: [{ type: 'string' }, { type: 'object' }] } },
    });
    expect(schema.properties?.aggregation).toMatchObject({ enum: ['avg', 'max', 'min', 'sum', 'last', 'p95'] });
  });
});
