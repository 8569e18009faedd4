import { checkOutputs } from './output-rules';
import { withOutputs } from './evaluate-outputs';

const scope = { variables: { region: 'eu' }, steps: { place: { response: { body: { id: 'o-1' } }, status: 'SUCCESS' }, skipped: { status: 'SKIPPED' } }, env: {} };
const outputs = { orderId: '${place.response.body.id}', label: '${region}-${place.response.body.id}', missing: '${skipped.response.body.id}' };

describe('flow outputs', () => {
  it('keeps what can be evaluated for a FAILED run', () => {
    expect(withOutputs({ status: 'FAILED', error: 'x' }, outputs, scope)).toEqual({ status: 'FAILED', error: 'x', outputs: { orderId: 'o-1', label: 'eu-o-1' } });
  });

  it('fails a COMPLETED run whose output cannot be evaluated, naming it', () => {
    const ended = withOutputs({ status: 'COMPLETED', error: null }, outputs, scope);
    expect(ended.status).toBe('FAILED');
    expect(ended.error).toMatch(/^output "missing" could not be evaluated: /);
  });

  it('stores no outputs for a cancelled run and {} for a flow without outputs', () => {
    expect(withOutputs({ status: 'CANCELLED', error: 'c' }, outputs, scope).outputs).toBeNull();
    expect(withOutputs({ status: 'COMPLETED', error: null }, undefined, scope)).toEqual({ status: 'COMPLETED', error: null, outputs: {} });
  });

  it('checks names and references at save; any step may be read, since outputs come after the last one', () => {
    const flow = { variables: [{ name: 'region' }], steps: [{ name: 'place' }, { name: 'last' }] };
    expect(checkOutputs({ a: '${last.response.x}', b: '${region}' }, flow)).toEqual([]);
    const problems = checkOutputs({ 'no-dash': 'x', n: 3, u: '${ghost}', f: '${place.body}' }, flow);
    expect(problems.map((p) => p.pointer)).toEqual(['/outputs/no-dash', '/outputs/n', '/outputs/u', '/outputs/f']);
    expect(checkOutputs([], flow)).toEqual([expect.objectContaining({ pointer: '/outputs' })]);
  });
});
