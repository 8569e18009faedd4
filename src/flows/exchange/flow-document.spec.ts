import type { FlowView } from '../flow-view';
import { bindResources, readEnvelope, readImportBody, resourceIdsOf, toExportDocument } from './flow-document';

const R1 = '11111111-1111-4111-8111-111111111111';

const view: FlowView = {
  id: 'f1',
  name: 'Orders',
  description: 'd',
  tags: ['t'],
  version: 2,
  stepTypes: ['http', 'sql'],
  createdBy: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  variables: [{ name: 'x', type: 'string', required: false }],
  defaults: {},
  steps: [
    { id: 's1', name: 'call', type: 'http', config: { url: '/' }, assertions: [], continueOnFailure: false, runInBackground: false },
    { id: 's2', name: 'row', type: 'sql', config: { resourceId: R1, query: 'select 1' }, assertions: [], continueOnFailure: false, runInBackground: false },
  ],
  outputs: { rowCount: '${row.response.rowCount}' },
};

describe('flow export document', () => {
  it('replaces resource ids by names and keeps the rest', () => {
    expect(resourceIdsOf([view])).toEqual([R1]);
    const doc = toExportDocument([view], new Map([[R1, 'orders-db']]), new Date('2025-01-01T00:00:00Z'));
    expect(doc).toEqual({
      format: 'ats.flows',
      formatVersion: 1,
      exportedAt: '2025-01-01T00:00:00.000Z',
      flows: [
        {
          name: 'Orders',
          description: 'd',
          tags: ['t'],
          variables: view.variables,
          steps: [view.steps[0], { ...view.steps[1], resource: 'orders-db', config: { query: 'select 1' } }],
          outputs: view.outputs,
        },
      ],
    });
    expect(Object.keys(doc.flows[0].steps[1]).slice(0, 4)).toEqual(['id', 'name', 'type', 'resource']);
  });

  it('keeps an id whose resource is gone, so the import points at it', () => {
    expect(toExportDocument([view], new Map()).flows[0].steps[1].config.resourceId).toBe(R1);
  });

  it('binds resource names back to ids, reporting unknown names by pointer', () => {
    const flow = {
      name: 'x',
      steps: [
        { name: 'a', type: 'sql', resource: 'orders-db', config: { query: 'q' } },
        { name: 'b', type: 'sql', resource: 'nope', config: {} },
        { name: 'c', type: 'sql', resource: 'orders-db', config: { resourceId: R1 } },
        { name: 'd', type: 'http', config: {} },
      ],
    };
    const { flow: bound, problems } = bindResources(flow, new Map([['orders-db', R1]]));
    expect((bound as typeof flow).steps[0]).toEqual({ name: 'a', type: 'sql', config: { query: 'q', resourceId: R1 } });
    expect((bound as typeof flow).steps[3]).toEqual(flow.steps[3]);
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/steps/1/resource', 'no resource named "nope" in this team; create it first or change the name'],
      ['/steps/2/resource', 'give either resource (a name) or config.resourceId, not both'],
    ]);
  });

  it('reads JSON bodies as they are and text bodies as YAML', () => {
    expect(readImportBody({ format: 'ats.flows' }).document).toEqual({ format: 'ats.flows' });
    expect(readImportBody('format: ats.flows\nflows:\n  - name: a\n').document).toEqual({ format: 'ats.flows', flows: [{ name: 'a' }] });
    expect(readImportBody('a: [').problems[0].message).toMatch(/^invalid YAML: /);
    expect(readImportBody('a: 1\na: 2').problems[0].message).toMatch(/unique/i);
    expect(readImportBody(undefined).problems[0].message).toMatch(/application\/yaml/);
  });

  it('checks the envelope', () => {
    expect(readEnvelope({ format: 'ats.flows', formatVersion: 1, flows: [{}] })).toEqual({ flows: [{}], problems: [] });
    expect(readEnvelope({ format: 'other', formatVersion: 2, flows: [], extra: 1 }).problems.map((p) => p.pointer)).toEqual([
      '/format',
      '/formatVersion',
      '/extra',
      '/flows',
    ]);
    expect(readEnvelope([]).problems[0].pointer).toBe('');
  });
});
