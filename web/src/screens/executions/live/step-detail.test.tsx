import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ExecutionStepDetail } from '../../../api/executions';
import { renderSignedIn } from '../../../test/render-app';
import { StepDetail } from './step-detail';

const TEAM = '5e1a0000-0000-4000-8000-000000000001';

const step: ExecutionStepDetail = {
  stepIndex: 0, stepId: 's0', name: 'logs', type: 'loki', background: false, status: 'SUCCESS', attempts: 1, error: null,
  startedAt: '2026-12-07T10:00:00.000Z', finishedAt: '2026-12-07T10:00:00.120Z', durationMs: 120, childExecutionId: null,
};

async function show(stored: Partial<ExecutionStepDetail>) {
  return renderSignedIn([{ path: '/teams/:teamId/executions/:executionId', element: <StepDetail executionId="e1" step={step} onClose={() => undefined} /> }], `/teams/${TEAM}/executions/e1`, {
    'GET /teams': () => ({ status: 200, body: [{ id: TEAM, orgId: 'o', name: 'Payments', role: 'editor', createdAt: '', executionRetentionDays: null }] }),
    [`GET /teams/${TEAM}/executions/e1/steps/s0`]: () => ({ status: 200, body: { ...step, response: { matchCount: 1 }, assertions: [], ...stored } }),
  });
}

describe('StepDetail logs', () => {
  it('shows the lines the step logged', async () => {
    await show({ logs: ['LogQL {app="payments"} |= "o-42" from 2026-12-07T10:00:00.000Z to 2026-12-07T10:05:00.001Z'] });
    expect((await screen.findByLabelText('Step logs')).textContent).toContain('LogQL {app="payments"} |= "o-42"');
    expect(screen.getByRole('heading', { name: 'Logs' })).not.toBeNull();
  });

  it('has no logs section when the step logged nothing', async () => {
    await show({ logs: null });
    await screen.findByText(/matchCount/);
    expect(screen.queryByRole('heading', { name: 'Logs' })).toBeNull();
  });
});
