import type { EgressService } from '../../egress/egress.service';
import type { StepRegistry } from '../../steps/step-registry.service';
import { specStepRegistry } from '../../steps/step-registry.testing';
import { WebSocketConnectionTester } from './websocket-connection.tester';
import type { WebSocketStepConfig } from './websocket-step.config';
import { WebSocketStep } from './websocket.step';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

function registry(): StepRegistry {
  const egress = { httpAgent: () => ({ destroy: () => undefined }), httpsAgent: () => ({ destroy: () => undefined }) } as unknown as EgressService;
  return specStepRegistry({ resourceTypes: [WebSocketConnectionTester], plugins: [new WebSocketStep(egress)] });
}

describe('websocket step config validation', () => {
  const steps = registry();
  const validate = (config: Record<string, unknown>, substituted = true) => steps.validateConfig<WebSocketStepConfig>('websocket', { resourceId: RESOURCE_ID, ...config }, substituted);
  const pointers = (config: Record<string, unknown>, substituted = true) => [...new Set(validate(config, substituted).problems.map((p) => p.pointer))];

  it('registers as a two-phase (prepare) step on a websocket resource, matching late', () => {
    expect(steps.get('websocket')).toMatchObject({ metadata: { type: 'websocket', lateFields: ['searchPattern'] }, resourceType: 'websocket' });
    expect(typeof steps.get('websocket')?.runner.prepare).toBe('function');
  });

  it('accepts the minimal config and a complete one', () => {
    expect(validate({}).problems).toEqual([]);
    const { config, problems } = validate({
      path: '/orders?since=now',
      subprotocols: ['graphql-transport-ws'],
      headers: { 'X-Tenant': 'acme' },
      send: [{ type: 'subscribe' }, 'ping'],
      connectTimeoutMs: 2000,
      messageLimit: 5,
      timeoutMs: 5000,
      searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.orderId == 'a')]", matchAll: true },
      expect: 'none',
    });
    expect(problems).toEqual([]);
    expect(config?.send).toEqual([{ type: 'subscribe' }, 'ping']);
  });

  it('refuses matchType header (frames have no headers) and a bad JSONPath on save', () => {
    expect(validate({ searchPattern: { matchType: 'header', header: 'X-Id', pattern: 'a' } }, false).problems).toEqual([
      { pointer: '/searchPattern/matchType', message: expect.stringContaining('WebSocket messages carry no headers') },
    ]);
    expect(pointers({ searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } }, false)).toEqual(['/searchPattern/pattern']);
  });

  it('names each bad field', () => {
    expect(pointers({ subprotocols: ['has space'] })).toEqual(['/subprotocols']);
    expect(pointers({ headers: { 'Sec-WebSocket-Key': 'x' } })).toEqual(['/headers']);
    expect(pointers({ headers: { Upgrade: 'h2c' } })).toEqual(['/headers']);
    expect(pointers({ send: [null] })).toEqual(['/send']);
    expect(pointers({ send: 'ping' })).toEqual(['/send']);
    expect(pointers({ path: '/a#frag' })).toEqual(['/path']);
    expect(pointers({ timeoutMs: 50 })).toEqual(['/timeoutMs']);
    expect(pointers({ expect: 'never' })).toEqual(['/expect']);
    expect(pointers({ resourceId: 'nope' })).toEqual(['/resourceId']);
  });
});
