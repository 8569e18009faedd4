import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry, unusedClientPools } from '../../steps/step-registry.testing';
import { RedisConnectionTester } from './redis-connection.tester';
import type { RedisStepConfig } from './redis-step.config';
import { RedisStep } from './redis.step';
import type { EgressService } from '../../egress/egress.service';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function registry(): StepRegistry {
  return specStepRegistry({ resourceTypes: [RedisConnectionTester], plugins: [new RedisStep(unusedClientPools, {} as EgressService)] });
}

describe('redis step config validation', () => {
  const steps = registry();
  const validate = (config: Record<string, unknown>, substituted = true) =>
    steps.validateConfig<RedisStepConfig>('redis', { resourceId: RESOURCE_ID, ...config }, substituted);
  const problems = (config: Record<string, unknown>, substituted = true) => validate(config, substituted).problems;

  it('registers as type redis needing a redis resource', () => {
    expect(steps.get('redis')).toMatchObject({ metadata: { type: 'redis' }, resourceType: 'redis' });
  });

  it.each([
    { operation: 'get', key: 'k' },
    { operation: 'set', key: 'k', value: 'v' },
    { operation: 'set', key: 'k', value: { status: 'PAID' }, ttlSeconds: 60 },
    { operation: 'expire', key: 'k', ttlSeconds: 5 },
    { operation: 'hset', key: 'h', field: 'f', value: 1 },
    { operation: 'hget', key: 'h', field: 'f' },
    { operation: 'lpush', key: 'l', value: ['a', 'b'] },
    { operation: 'lrange', key: 'l', start: 0, stop: -1 },
    { operation: 'lrange', key: 'l' },
    { operation: 'sadd', key: 's', value: 'x' },
    { operation: 'publish', key: 'channel', value: { event: 'x' } },
    { operation: 'incr', key: 'counter' },
  ])('accepts %j', (config) => {
    expect(problems(config)).toEqual([]);
  });

  it('turns a number key or field from a reference into text', () => {
    expect(validate({ operation: 'hget', key: 42, field: 7 }).config).toMatchObject({ key: '42', field: '7' });
  });

  it.each([
    ['set', {}, '/value', 'is required for operation set'],
    ['expire', {}, '/ttlSeconds', 'is required for operation expire'],
    ['hget', {}, '/field', 'is required for operation hget'],
    ['hdel', {}, '/field', 'is required for operation hdel'],
    ['lpush', {}, '/value', 'is required for operation lpush'],
    ['publish', { value: null }, '/value', 'is required for operation publish'],
  ])('names the missing field of %s', (operation, extra, pointer, message) => {
    expect(problems({ operation, key: 'k', ...extra })).toEqual([{ pointer, message }]);
  });

  it('reports both missing fields of hset', () => {
    expect(problems({ operation: 'hset', key: 'h' })).toEqual([
      { pointer: '/field', message: 'is required for operation hset' },
      { pointer: '/value', message: 'is required for operation hset' },
    ]);
  });

  it('refuses fields the operation would ignore, saying which operations use them', () => {
    expect(problems({ operation: 'get', key: 'k', ttlSeconds: 5 })).toEqual([{ pointer: '/ttlSeconds', message: 'is not used by operation get (only by set, expire)' }]);
    expect(problems({ operation: 'del', key: 'k', start: 1 })).toEqual([{ pointer: '/start', message: 'is not used by operation del (only by lrange)' }]);
  });

  it('refuses an empty element list', () => {
    expect(problems({ operation: 'sadd', key: 's', value: [] })).toEqual([{ pointer: '/value', message: 'must not be an empty array for operation sadd' }]);
  });

  it('refuses an unknown operation, a missing key and a bad ttl', () => {
    expect(problems({ operation: 'flushall', key: 'k' }).map((p) => p.pointer)).toEqual(['/operation']);
    expect(problems({ operation: 'get' }).map((p) => p.pointer)).toContain('/key');
    expect(problems({ operation: 'expire', key: 'k', ttlSeconds: 0 }).map((p) => p.pointer)).toEqual(['/ttlSeconds']);
  });

  it('defers checks of a templated operation to run time', () => {
    expect(problems({ operation: '${op}', key: 'k', ttlSeconds: 5 }, false)).toEqual([]);
  });
});
