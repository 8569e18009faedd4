import type { StepRegistry } from '../../../steps/step-registry.service';
import { specStepRegistry, unusedClientPools } from '../../../steps/step-registry.testing';
import { KafkaConnectionTester } from '../kafka-connection.tester';
import type { KafkaPublishStepConfig } from './kafka-publish-step.config';
import { KafkaPublishStep } from './kafka-publish.step';
import type { EgressService } from '../../../egress/egress.service';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function registry(): StepRegistry {
  return specStepRegistry({ resourceTypes: [KafkaConnectionTester], plugins: [new KafkaPublishStep(unusedClientPools, {} as EgressService)] });
}

describe('kafka-publish step config validation', () => {
  const steps = registry();
  const validate = (config: Record<string, unknown>, substituted = true) =>
    steps.validateConfig<KafkaPublishStepConfig>('kafka-publish', { resourceId: RESOURCE_ID, topic: 'orders.events', ...config }, substituted);
  const pointers = (config: Record<string, unknown>, substituted = true) => [...new Set(validate(config, substituted).problems.map((p) => p.pointer))];

  it('registers as type kafka-publish needing a kafka resource', () => {
    expect(steps.get('kafka-publish')).toMatchObject({ metadata: { type: 'kafka-publish' }, resourceType: 'kafka' });
  });

  it('accepts messages with string or JSON values, keys, headers and partitions, and the producer options', () => {
    const { config, problems } = validate({
      messages: [{ key: 'o-1', value: { orderId: 'o-1' }, headers: { 'x-trace': 'abc' }, partition: 0 }, { value: 'text' }, { value: 42 }, { value: null }],
      acks: 1,
      compression: 'gzip',
    });
    expect(problems).toEqual([]);
    expect(config?.messages[0]).toMatchObject({ key: 'o-1', value: { orderId: 'o-1' }, headers: { 'x-trace': 'abc' }, partition: 0 });
    expect(config?.messages[3].value).toBeNull();
  });

  it('turns number keys and header values from references into text', () => {
    expect(validate({ messages: [{ key: 7, value: 'v', headers: { n: 1 } }] }).config?.messages[0]).toMatchObject({ key: '7', headers: { n: '1' } });
  });

  it('requires a value in every message, naming the message', () => {
    expect(validate({ messages: [{ value: 'ok' }, { key: 'k' }] }).problems).toEqual([
      { pointer: '/messages/1/value', message: 'value is required: a string or any JSON value (null for a tombstone)' },
    ]);
  });

  it('requires 1-1000 messages', () => {
    expect(pointers({ messages: [] })).toEqual(['/messages']);
    expect(pointers({})).toEqual(['/messages']);
    expect(pointers({ messages: Array.from({ length: 1001 }, () => ({ value: 'x' })) })).toEqual(['/messages']);
  });

  it('refuses invalid topics, acks, compression, partitions, headers and unknown fields', () => {
    expect(pointers({ topic: 'bad topic!', messages: [{ value: 'x' }] })).toEqual(['/topic']);
    expect(pointers({ messages: [{ value: 'x' }], acks: 2 })).toEqual(['/acks']);
    expect(pointers({ messages: [{ value: 'x' }], compression: 'snappy' })).toEqual(['/compression']);
    expect(pointers({ messages: [{ value: 'x', partition: -1 }] })).toEqual(['/messages/0/partition']);
    expect(pointers({ messages: [{ value: 'x', headers: { a: { b: 1 } } }] })).toEqual(['/messages/0/headers']);
    expect(pointers({ messages: [{ value: 'x', timestamp: 1 }] })).toEqual(['/messages/0/timestamp']);
  });

  it('defers a templated topic and messages to run time', () => {
    expect(validate({ topic: '${topicName}', messages: '${events}' }, false).problems).toEqual([]);
  });
});
