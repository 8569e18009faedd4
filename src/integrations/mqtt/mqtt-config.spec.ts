import type { DiscoveryService } from '@nestjs/core';
import type { EgressService } from '../../egress/egress.service';
import { ResourceTypeRegistry } from '../../resources/resource-type-registry.service';
import type { ResourceTypeMetadata } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry, unusedClientPools } from '../../steps/step-registry.testing';
import { MqttConnectionTester } from './mqtt-connection.tester';
import { MqttPublishStep } from './mqtt-publish.step';
import { MqttSubscribeStep } from './mqtt-subscribe.step';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function steps(): StepRegistry {
  return specStepRegistry({
    resourceTypes: [MqttConnectionTester],
    plugins: [new MqttPublishStep(unusedClientPools, {} as EgressService), new MqttSubscribeStep({} as EgressService)],
  });
}

describe('mqtt step configs', () => {
  const registry = steps();
  const problems = (type: string, config: Record<string, unknown>, substituted = true) =>
    registry.validateConfig(type, { resourceId: RESOURCE_ID, ...config }, substituted).problems;
  const pointers = (type: string, config: Record<string, unknown>) => [...new Set(problems(type, config).map((p) => p.pointer))];

  it('registers mqtt-subscribe as a prepare step with a late searchPattern, both needing an mqtt resource', () => {
    expect(registry.get('mqtt-publish')?.resourceType).toBe('mqtt');
    const subscribe = registry.get('mqtt-subscribe');
    expect(subscribe).toMatchObject({ resourceType: 'mqtt', metadata: { lateFields: ['searchPattern'] } });
    expect(typeof subscribe?.runner.prepare).toBe('function');
  });

  it('accepts a full publish config and refuses wildcards, bad QoS, missing message and non-string properties', () => {
    expect(problems('mqtt-publish', { topic: 'orders/1', message: { a: 1 }, qos: 2, retain: true, userProperties: { 'x-tenant': 'acme' } })).toEqual([]);
    expect(problems('mqtt-publish', { topic: 'orders/1', message: '' })).toEqual([]);
    expect(pointers('mqtt-publish', { topic: 'orders/#', message: 'x' })).toEqual(['/topic']);
    expect(pointers('mqtt-publish', { topic: 'orders', message: 'x', qos: 3 })).toEqual(['/qos']);
    expect(pointers('mqtt-publish', { topic: 'orders' })).toEqual(['/message']);
    expect(pointers('mqtt-publish', { topic: 'orders', message: 'x', userProperties: { a: { b: 1 } } })).toEqual(['/userProperties']);
    expect(pointers('mqtt-publish', { topic: 'orders', message: 'x'.repeat(1024 * 1024 + 1) })).toEqual(['/message']);
  });

  it('accepts subscribe filters with wildcards and the shared search fields, and refuses bad filters and options', () => {
    expect(
      problems('mqtt-subscribe', {
        topics: ['orders/+/paid', 'billing/#'],
        qos: 2,
        retained: 'include',
        timeoutMs: 3000,
        expect: 'none',
        searchPattern: { matchType: 'header', header: 'x-tenant', pattern: 'acme' },
      }),
    ).toEqual([]);
    expect(pointers('mqtt-subscribe', { topics: [] })).toEqual(['/topics']);
    expect(pointers('mqtt-subscribe', { topics: ['orders/#/x'] })).toEqual(['/topics']);
    expect(pointers('mqtt-subscribe', { topics: ['a'], retained: 'latest' })).toEqual(['/retained']);
    expect(pointers('mqtt-subscribe', { topics: ['a'], searchPattern: { matchType: 'regex', pattern: 'x' } })).toEqual(['/searchPattern/matchType']);
    expect(problems('mqtt-subscribe', { topics: ['a'], searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } }, false)).toEqual([
      { pointer: '/searchPattern/pattern', message: expect.stringContaining('is not a valid JSONPath') },
    ]);
  });
});

describe('mqtt resource config', () => {
  const registry = new ResourceTypeRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
  registry.register(Reflect.getMetadata(ResourceType.KEY, MqttConnectionTester) as ResourceTypeMetadata, new MqttConnectionTester());
  const fields = (config: Record<string, unknown>) => registry.validateConfig('mqtt', config).problems.map((p) => p.field);

  it('applies protocolVersion 5 by default and keeps the rest', () => {
    expect(registry.validateConfig('mqtt', { url: 'mqtt://127.0.0.1:1883', user: 'u', password: 'p' }).config).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      user: 'u',
      password: 'p',
      protocolVersion: 5,
    });
  });

  it('refuses WebSocket URLs, credentials in the URL, paths, other schemes and unknown protocol versions', () => {
    expect(registry.validateConfig('mqtt', { url: 'ws://broker:8080' }).problems[0].message).toContain('MQTT over WebSocket (ws://, wss://) is not supported');
    expect(fields({ url: 'mqtt://u:p@broker' })).toEqual(['url']);
    expect(fields({ url: 'mqtt://broker/path' })).toEqual(['url']);
    expect(fields({ url: 'http://broker' })).toEqual(['url']);
    expect(fields({ url: 'mqtt://broker', protocolVersion: 3 })).toEqual(['protocolVersion']);
    expect(fields({ url: 'mqtts://broker:8883', clientIdPrefix: 'has space' })).toEqual(['clientIdPrefix']);
  });
});
