import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry } from '../../steps/step-registry.testing';
import { AmqpConnectionTester } from './amqp-connection.tester';
import type { AmqpConnections } from './amqp-connections';
import { AmqpConsumeStep } from './amqp-consume.step';
import { AmqpPublishStep } from './amqp-publish.step';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function registry(): StepRegistry {
  return specStepRegistry({ resourceTypes: [AmqpConnectionTester], plugins: [new AmqpPublishStep({} as AmqpConnections), new AmqpConsumeStep({} as AmqpConnections)] });
}

describe('amqp step configs', () => {
  const steps = registry();
  const pointers = (type: string, config: Record<string, unknown>, substituted = true) => [...new Set(steps.validateConfig(type, { resourceId: RESOURCE_ID, ...config }, substituted).problems.map((p) => p.pointer))];

  it('registers amqp-consume as a prepare step with a late searchPattern, both on the amqp resource', () => {
    expect(steps.get('amqp-consume')).toMatchObject({ resourceType: 'amqp', metadata: { lateFields: ['searchPattern'] } });
    expect(typeof steps.get('amqp-consume')?.runner.prepare).toBe('function');
    expect(steps.get('amqp-publish')).toMatchObject({ resourceType: 'amqp' });
  });

  it('amqp-publish: a message is required; names, headers and properties are checked', () => {
    expect(pointers('amqp-publish', { exchange: 'orders', routingKey: 'order.created', message: { a: 1 }, headers: { h: 'v' }, properties: { priority: 5, expiration: 60000 }, persistent: false, confirm: true, mandatory: true })).toEqual([]);
    expect(pointers('amqp-publish', { routingKey: 'q', message: 'x' })).toEqual([]);
    expect(pointers('amqp-publish', {})).toEqual(['/message']);
    expect(pointers('amqp-publish', { message: 'x', exchange: 'a'.repeat(256) })).toEqual(['/exchange']);
    expect(pointers('amqp-publish', { message: 'x', headers: { h: { nested: true } } })).toEqual(['/headers']);
    expect(pointers('amqp-publish', { message: 'x', properties: { priority: 256 } })).toEqual(['/properties/priority']);
    expect(pointers('amqp-publish', { message: 'x', properties: { expiration: 'soon' } })).toEqual(['/properties/expiration']);
    expect(pointers('amqp-publish', { message: 'x', confirm: 'yes' })).toEqual(['/confirm']);
  });

  it('amqp-consume: a queue or an exchange, bindings only with an exchange, search fields as every subscribe step', () => {
    expect(pointers('amqp-consume', { queue: 'orders', ack: 'all', prefetch: 10, searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: 'abc' }, expect: 'none' })).toEqual([]);
    expect(pointers('amqp-consume', { exchange: 'orders', bindingKeys: ['order.*', '#'], bindingHeaders: { kind: 'order' }, headersMatch: 'any' })).toEqual([]);
    expect(pointers('amqp-consume', {})).toEqual(['/queue', '/exchange']);
    expect(pointers('amqp-consume', { queue: 'q', exchange: 'x' })).toEqual(['/queue']);
    expect(pointers('amqp-consume', { queue: 'q', bindingKeys: ['a'] })).toEqual(['/bindingKeys']);
    expect(pointers('amqp-consume', { queue: 'q', bindingHeaders: { a: 'b' } })).toEqual(['/bindingHeaders']);
    expect(pointers('amqp-consume', { exchange: 'x', bindingKeys: [] })).toEqual(['/bindingKeys']);
    expect(pointers('amqp-consume', { exchange: 'x', bindingKeys: ['ok', 'bad\u0001'] })).toEqual(['/bindingKeys']);
    expect(pointers('amqp-consume', { queue: '' })).toEqual(['/queue']);
    expect(pointers('amqp-consume', { queue: 'q', ack: 'some' })).toEqual(['/ack']);
    expect(pointers('amqp-consume', { queue: 'q', prefetch: 0 })).toEqual(['/prefetch']);
    expect(pointers('amqp-consume', { queue: 'q', timeoutMs: 50 })).toEqual(['/timeoutMs']);
    expect(pointers('amqp-consume', { queue: 'q', searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } }, false)).toEqual(['/searchPattern/pattern']);
    expect(pointers('amqp-consume', { queue: 'q', searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.id == '${create.response.body.id}')]" } }, false)).toEqual([]);
  });
});
