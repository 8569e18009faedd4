import { canonicalFlow, diffFlows } from './flow-diff';

describe('flow diff', () => {
  const remote = {
    name: 'f', description: '', tags: [], variables: [], outputs: {},
    steps: [{ id: 'u1', name: 'a', type: 'http', config: { url: 'x' }, assertions: [], continueOnFailure: false, runInBackground: false }],
  };

  it('sees no change between a file with defaults left out and the stored version', () => {
    const local = { name: 'f', steps: [{ name: 'a', type: 'http', config: { url: 'x' } }] };
    expect(diffFlows(canonicalFlow(remote), canonicalFlow(local))).toEqual([]);
  });

  it('names changed fields by step name, added steps and reordering', () => {
    const local = { name: 'f', steps: [{ name: 'b', type: 'http', config: {} }, { name: 'a', type: 'http', config: { url: 'y' } }] };
    const lines = diffFlows(canonicalFlow(remote), canonicalFlow(local));
    expect(lines).toEqual([
      { kind: '+', path: 'steps[b]', after: expect.objectContaining({ name: 'b' }) },
      { kind: '~', path: 'steps[a].config.url', before: 'x', after: 'y' },
    ]);
  });
});
