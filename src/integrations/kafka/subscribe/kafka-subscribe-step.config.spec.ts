import type Redis from 'ioredis';
import type { RedisFactory } from '../../../redis/redis.factory';
import type { StepRegistry } from '../../../steps/step-registry.service';
import { specStepRegistry, unusedClientPools } from '../../../steps/step-registry.testing';
import { KafkaConnectionTester } from '../kafka-connection.tester';
import type { KafkaSubscribeStepConfig } from './kafka-subscribe-step.config';
import { KafkaSubscribeStep } from './kafka-subscribe.step';
import type { EgressService } from '../../../egress/egress.service';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function registry(): StepRegistry {
  return specStepRegistry({ resourceTypes: [KafkaConnectionTester], plugins: [new KafkaSubscribeStep(unusedClientPools, {} as Redis, { key: (...parts: string[]) => parts.join(':') } as RedisFactory, {} as EgressService)] });
}

describe('kafka-subscribe step config validation', () => {
  const steps = registry();
  const validate = (config: Record<string, unknown>, substituted = true) =>
    steps.validateConfig<KafkaSubscribeStepConfig>('kafka-subscribe', { resourceId: RESOURCE_ID, topic: 'orders.events', ...config }, substituted);
  const problems = (config: Record<string, unknown>, substituted = true) => validate(config, substituted).problems;
  const pointers = (config: Record<string, unknown>, substituted = true) => [...new Set(problems(config, substituted).map((p) => p.pointer))];

  it('registers as a two-phase (prepare) step needing a kafka resource', () => {
    const registered = steps.get('kafka-subscribe');
    expect(registered).toMatchObject({ metadata: { type: 'kafka-subscribe' }, resourceType: 'kafka' });
    expect(typeof registered?.runner.prepare).toBe('function');
  });

  it('accepts the minimal config and a complete one', () => {
    expect(problems({})).toEqual([]);
    const { config, problems: found } = validate({
      consumerGroup: 'billing-tests',
      fromBeginning: true,
      messageLimit: 5,
      timeoutMs: 10_000,
      searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == 'abc')]", matchAll: true },
      expect: 'none',
    });
    expect(found).toEqual([]);
    expect(config?.searchPattern).toMatchObject({ matchType: 'jsonpath', matchAll: true });
    expect(config?.expect).toBe('none');
  });

  it('refuses a JSONPath that cannot compile, on save, at /searchPattern/pattern', () => {
    expect(problems({ searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } }, false)).toEqual([
      { pointer: '/searchPattern/pattern', message: expect.stringContaining('is not a valid JSONPath') },
    ]);
    expect(problems({ searchPattern: { matchType: 'jsonpath', pattern: 'orderId' } })).toEqual([
      { pointer: '/searchPattern/pattern', message: expect.stringContaining('must start with $') },
    ]);
  });

  it('checks a pattern with references only after substitution', () => {
    expect(problems({ searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == '${create.response.body.id}')]" } }, false)).toEqual([]);
  });

  it('refuses a bad match type, empty pattern, out-of-range limits and a bad group name', () => {
    expect(pointers({ searchPattern: { matchType: 'regex', pattern: 'x' } })).toEqual(['/searchPattern/matchType']);
    expect(pointers({ searchPattern: { matchType: 'exact', pattern: '' } })).toEqual(['/searchPattern/pattern']);
    expect(pointers({ messageLimit: 0 })).toEqual(['/messageLimit']);
    expect(pointers({ messageLimit: 10_001 })).toEqual(['/messageLimit']);
    expect(pointers({ timeoutMs: 50 })).toEqual(['/timeoutMs']);
    expect(pointers({ consumerGroup: 'has spaces' })).toEqual(['/consumerGroup']);
    expect(pointers({ topic: '' })).toEqual(['/topic']);
    expect(pointers({ fromBeginning: 'yes' })).toEqual(['/fromBeginning']);
    expect(pointers({ expect: 'never' })).toEqual(['/expect']);
    expect(pointers({ searchPattern: { matchType: 'exact', pattern: 'x', extra: 1 } })).toEqual(['/searchPattern/extra']);
  });
});
