import type { SuiteRunReport } from '../reports/suite-run-report';
import { buildWebhookBody, shouldNotify } from './webhook-payload';

const report = (status: 'COMPLETED' | 'FAILED'): SuiteRunReport => ({
  format: 'ats.suite-run-report',
  formatVersion: 1,
  generatedAt: '2026-11-27T16:00:05.000Z',
  suiteRun: {
    id: 'run-1', teamId: 't', suiteId: 's', suiteName: 'Checkout <prod> & co', status, outcome: status === 'COMPLETED' ? 'passed' : 'failed', trigger: 'schedule', alertDeliveryId: null,
    rerunOf: null, scheduledFor: null, mode: 'parallel', failFast: false, maxParallel: 5, stopReason: null, previousStatus: 'COMPLETED', seq: 9, userId: null,
    counts: { total: 2, passed: status === 'COMPLETED' ? 2 : 1, failed: status === 'COMPLETED' ? 0 : 1, cancelled: 0, pending: 0, running: 0 },
    createdAt: new Date('2026-11-27T16:00:00Z'), startedAt: new Date('2026-11-27T16:00:00Z'), finishedAt: new Date('2026-11-27T16:00:04.5Z'), durationMs: 4500,
    links: { self: '/x', junit: '/x/report.xml', json: '/x/report.json', events: '/x/events' },
  },
  executions: status === 'COMPLETED' ? [] : [
    { position: 1, executionId: 'e-2', flowId: 'f', flowName: 'Pay', flowVersion: 1, status: 'FAILED', trigger: 'suite', startedAt: null, finishedAt: null, durationMs: null, error: 'x', warnings: 0, steps: [], correlationId: 'c-2', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentExecutionId: null, outputs: {},
      failure: { kind: 'assertion', step: { index: 0, name: 'pay', type: 'http' }, message: 'step "pay" (http): status: expected 201 but was 500', assertions: [], error: null } },
  ],
});

describe('webhook payloads', () => {
  it('decides when to notify', () => {
    expect(shouldNotify('always', 'COMPLETED', 'COMPLETED')).toBe(true);
    expect(shouldNotify('on-failure', 'COMPLETED', null)).toBe(false);
    expect(shouldNotify('on-failure', 'FAILED', 'FAILED')).toBe(true);
    expect(shouldNotify('on-failure', 'CANCELLED', null)).toBe(true);
    expect(shouldNotify('on-change', 'FAILED', 'COMPLETED')).toBe(true);
    expect(shouldNotify('on-change', 'FAILED', 'FAILED')).toBe(false);
    expect(shouldNotify('on-change', 'COMPLETED', 'FAILED')).toBe(true);
    expect(shouldNotify('on-change', 'COMPLETED', null)).toBe(false);
    expect(shouldNotify('on-change', 'FAILED', null)).toBe(true);
  });

  it('builds the JSON event with counts and failures', () => {
    const body = JSON.parse(buildWebhookBody('json', report('FAILED'), 'wh-1'));
    expect(body).toMatchObject({
      event: 'suite_run.finished',
      deliveryId: 'wh-1',
      suite: { id: 's', name: 'Checkout <prod> & co' },
      run: { id: 'run-1', status: 'FAILED', outcome: 'failed', counts: { passed: 1, failed: 1 }, durationMs: 4500 },
      failures: [{ flowName: 'Pay', message: 'step "pay" (http): status: expected 201 but was 500' }],
    });
  });

  it('builds a Slack message with escaped mrkdwn', () => {
    const body = JSON.parse(buildWebhookBody('slack', report('FAILED'), 'wh-1'));
    expect(body.text).toBe(':x: Suite *Checkout &lt;prod&gt; &amp; co* FAILED in 4.5 s — 1 passed, 1 failed, 0 cancelled of 2');
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('1 passed, 1 failed') } });
    expect(body.blocks[1].text.text).toContain('*Pay*: step "pay" (http)');
  });
});
