import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry } from '../../steps/step-registry.testing';
import { JetStreamConsumeStep } from './jetstream-consume.step';
import { JetStreamPublishStep } from './jetstream-publish.step';
import { subjectProblem } from './nats-config-fields';
import { NatsConnectionTester } from './nats-connection.tester';
import type { NatsConnections } from './nats-connections';
import { NatsPublishStep } from './nats-publish.step';
import { NatsRequestStep } from './nats-request.step';
import { NatsResourceConfig } from './nats-resource-config.dto';
import { natsEgressTargets, parseNatsServer } from './nats-servers';
import { NatsSubscribeStep } from './nats-subscribe.step';

const RESOURCE_ID = '3d5e7f90-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

function registry(): StepRegistry {
  const connections = {} as NatsConnections;
  return specStepRegistry({
    resourceTypes: [NatsConnectionTester],
    plugins: [NatsPublishStep, NatsSubscribeStep, NatsRequestStep, JetStreamPublishStep, JetStreamConsumeStep].map((Step) => new Step(connections)),
  });
}

describe('nats servers', () => {
  it('parses host, host:port, nats:// and tls:// entries, IPv6 in brackets', () => {
    expect(parseNatsServer('nats.internal')).toEqual({ entry: 'nats.internal', host: 'nats.internal', port: 4222, tls: false });
    expect(parseNatsServer('nats://10.0.0.1:4333')).toMatchObject({ host: '10.0.0.1', port: 4333, tls: false });
    expect(parseNatsServer('tls://nats.example.com')).toMatchObject({ host: 'nats.example.com', port: 4222, tls: true });
    expect(parseNatsServer('[::1]:4222')).toMatchObject({ host: '::1', port: 4222 });
    for (const bad of ['http://x:1', 'nats://user:pw@x:1', 'x:0', 'x:70000', 'x y', '']) expect(parseNatsServer(bad)).toBeUndefined();
  });

  it('names each server for the save-time egress check', () => {
    expect(natsEgressTargets({ servers: ['a:1', 'tls://b'] })).toEqual([
      { field: 'servers.0', host: 'a', port: 1 },
      { field: 'servers.1', host: 'b', port: 4222 },
    ]);
  });

  it('validates the resource config: servers, user with password, token not with user', () => {
    const problems = (config: object) => validateSync(plainToInstance(NatsResourceConfig, config)).map((e) => e.property).sort();
    expect(problems({ servers: ['nats://a:4222'], user: 'u', password: 'p' })).toEqual([]);
    expect(problems({ servers: ['a'], token: 't' })).toEqual([]);
    expect(problems({ servers: [] })).toEqual(['servers']);
    expect(problems({ servers: ['http://a'] })).toEqual(['servers']);
    expect(problems({ servers: ['a'], user: 'u' })).toEqual(['password']);
    expect(problems({ servers: ['a'], user: 'u', password: 'p', token: 't' })).toEqual(['token', 'user']);
  });
});

describe('nats subjects', () => {
  it('allow wildcards only where the step subscribes, > only last', () => {
    expect(subjectProblem('orders.created', false)).toBeNull();
    expect(subjectProblem('orders.*', false)).toMatch(/wildcards/);
    expect(subjectProblem('orders.*.x', true)).toBeNull();
    expect(subjectProblem('orders.>', true)).toBeNull();
    expect(subjectProblem('orders.>.x', true)).toMatch(/> only as its last token/);
    expect(subjectProblem('orders..x', true)).toMatch(/empty tokens/);
    expect(subjectProblem('.orders', true)).toMatch(/empty tokens/);
    expect(subjectProblem('orders created', true)).toMatch(/whitespace/);
    expect(subjectProblem('', true)).toMatch(/non-empty/);
  });
});

describe('nats step configs', () => {
  const steps = registry();
  const pointers = (type: string, config: Record<string, unknown>, substituted = true) =>
    [...new Set(steps.validateConfig(type, { resourceId: RESOURCE_ID, ...config }, substituted).problems.map((p) => p.pointer))].sort();

  it('registers five types needing a nats resource; the subscribe types are prepare plugins with a late searchPattern', () => {
    for (const type of ['nats-publish', 'nats-subscribe', 'nats-request', 'jetstream-publish', 'jetstream-consume']) expect(steps.get(type)?.resourceType).toBe('nats');
    for (const type of ['nats-subscribe', 'jetstream-consume']) {
      expect(steps.get(type)?.metadata.lateFields).toEqual(['searchPattern']);
      expect(typeof steps.get(type)?.runner.prepare).toBe('function');
    }
  });

  it('accepts complete configs', () => {
    expect(pointers('nats-publish', { subject: 'a.b', message: { x: 1 }, headers: { 'x-a': 'b' }, correlationHeader: 'X-Request-Id' })).toEqual([]);
    expect(pointers('nats-publish', { subject: 'a.b', message: null })).toEqual([]);
    expect(pointers('nats-subscribe', { subject: 'a.>', queueGroup: 'g', timeoutMs: 1000, messageLimit: 5, expect: 'none', searchPattern: { matchType: 'header', header: 'X-Id', pattern: 'x' } })).toEqual([]);
    expect(pointers('nats-request', { subject: 'a', message: 'x', timeoutMs: 100 })).toEqual([]);
    expect(pointers('jetstream-publish', { subject: 'a', message: 'x', msgId: 'm-1' })).toEqual([]);
    expect(pointers('jetstream-consume', { stream: 'ORDERS', subject: 'orders.*', startSequence: 3 })).toEqual([]);
    expect(pointers('jetstream-consume', { stream: 'ORDERS', startTime: '2026-05-01T12:00:00Z' })).toEqual([]);
  });

  it('names the offending fields', () => {
    expect(pointers('nats-publish', { subject: 'a.*' })).toEqual(['/message', '/subject']);
    expect(pointers('nats-publish', { subject: 'a', message: 'x', headers: { 'bad:name': 'x' } })).toEqual(['/headers']);
    expect(pointers('nats-subscribe', { subject: 'a.>.b', queueGroup: 'has space' })).toEqual(['/queueGroup', '/subject']);
    expect(pointers('nats-subscribe', { subject: 'a', searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } }, false)).toEqual(['/searchPattern/pattern']);
    expect(pointers('nats-request', { subject: 'a', message: 'x', timeoutMs: 50 })).toEqual(['/timeoutMs']);
    expect(pointers('jetstream-consume', { stream: 'A.B', startTime: 1, startSequence: 0 })).toEqual(['/startSequence', '/startTime', '/stream']);
    expect(pointers('jetstream-consume', { stream: 'A', startTime: 'yesterday' }, false)).toEqual(['/startTime']);
    expect(pointers('jetstream-consume', { stream: 'A', startTime: '${t}' }, false)).toEqual([]);
  });
});
