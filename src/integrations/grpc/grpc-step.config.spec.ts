import type { EgressService } from '../../egress/egress.service';
import { specStepRegistry, unusedClientPools } from '../../steps/step-registry.testing';
import { GrpcConnectionTester } from './grpc-connection.tester';
import { GrpcStep } from './grpc.step';
import type { GrpcStepConfig } from './grpc-step.config';

const RESOURCE_ID = '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b';

describe('grpc step config validation', () => {
  const steps = specStepRegistry({ resourceTypes: [GrpcConnectionTester], plugins: [new GrpcStep(unusedClientPools, {} as EgressService)] });
  const validate = (config: Record<string, unknown>) => steps.validateConfig<GrpcStepConfig>('grpc', { resourceId: RESOURCE_ID, service: 'orders.v1.Orders', method: 'GetOrder', ...config }, true);

  it('registers as type grpc needing a grpc resource', () => {
    expect(steps.get('grpc')).toMatchObject({ metadata: { type: 'grpc' }, resourceType: 'grpc' });
  });

  it('takes one expected status as a string or several as a list, and metadata numbers from references as text', () => {
    const { config, problems } = validate({ expectStatus: 'NOT_FOUND', metadata: { 'x-attempt': 2 }, message: { order_id: 'o-1' }, deadlineMs: 500, maxMessages: 10 });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ expectStatus: ['NOT_FOUND'], metadata: { 'x-attempt': '2' } });
    expect(validate({ expectStatus: ['OK', 'NOT_FOUND'] }).problems).toEqual([]);
  });

  it('names the offending field', () => {
    const pointers = (config: Record<string, unknown>) => validate(config).problems.map((p) => p.pointer);
    expect(pointers({ expectStatus: 'MISSING' })).toEqual(['/expectStatus']);
    expect(pointers({ expectStatus: [] })).toEqual(['/expectStatus']);
    expect(pointers({ service: 'orders v1' })).toEqual(['/service']);
    expect(pointers({ method: 'Orders/Get' })).toEqual(['/method']);
    expect(pointers({ message: 'o-1' })).toEqual(['/message']);
    expect(pointers({ metadata: { 'grpc-timeout': '1S' } })).toEqual(['/metadata']);
    expect(pointers({ maxMessages: 5000, deadlineMs: 0 })).toEqual(['/deadlineMs', '/maxMessages']);
  });
});
