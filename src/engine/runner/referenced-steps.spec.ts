import type { StepDefinition } from '../../flows/flow-definition';
import { referencedSteps } from './referenced-steps';

const step = (name: string, config: Record<string, unknown> = {}, assertions: StepDefinition['assertions'] = []): StepDefinition => ({ id: name, name, type: 'http', config, assertions });

describe('referencedSteps', () => {
  it('lists the steps read by configs and assertions, and nothing else', () => {
    const steps = [
      step('create', { url: 'http://x/orders' }),
      step('big', { url: 'http://x/big' }),
      step('read', { url: 'http://x/orders/${create.response.body.id}', headers: { a: '${orderId}' } }),
      step('check', {}, [{ path: 'body', operator: 'equals', expected: '${read.response.body}' }]),
    ];
    expect(referencedSteps(steps)).toEqual(new Set(['create', 'read']));
  });

  it("also lists the steps read by the flow's outputs", () => {
    const steps = [step('create', { url: 'http://x/orders' }), step('other', { url: 'http://x/other' })];
    expect(referencedSteps(steps, { orderId: '${create.response.body.id}' })).toEqual(new Set(['create']));
  });

  it('answers undefined (keep everything) for a flow it cannot scan', () => {
    expect(referencedSteps([step('a', { url: '${unclosed' })])).toBeUndefined();
  });
});
