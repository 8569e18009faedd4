import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderSignedIn } from '../../test/render-app';
import { ExecutionsScreen } from './executions-screen';

const TEAM = '5e1a0000-0000-4000-8000-000000000001';
const execution = {
  id: 'e1', teamId: TEAM, flowId: 'f1', flowVersion: 3, flowName: 'checkout', status: 'COMPLETED', trigger: 'api', suiteRunId: null, error: null,
  seq: 5, createdAt: '2026-11-27T16:00:00.000Z', startedAt: '2026-11-27T16:00:00.000Z', finishedAt: '2026-11-27T16:00:01.500Z', steps: [],
};

describe('ExecutionsScreen', () => {
  it('sends the time range as ISO instants, links rows to the live view and downloads a report with the auth header', async () => {
    const createObjectURL = vi.fn(() => 'blob:report');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const listUrls: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const { calls } = await renderSignedIn([{ path: '/teams/:teamId/executions', element: <ExecutionsScreen /> }], `/teams/${TEAM}/executions?from=2026-11-27T10:00`, {
      [`GET /teams/${TEAM}/executions`]: ({ url }) => (listUrls.push(url), { status: 200, body: { items: [execution], total: 1, page: 1, pageSize: 20 } }),
      [`GET /teams/${TEAM}/flows`]: () => ({ status: 200, body: { items: [], total: 0, page: 1, pageSize: 100 } }),
      [`GET /teams/${TEAM}/executions/e1/report.xml`]: () => ({ status: 200, body: { junit: true } }),
    });
    const link = await screen.findByRole('link', { name: /checkout/ });
    expect(link.getAttribute('href')).toBe(`/teams/${TEAM}/executions/e1`);
    expect(new URL(listUrls[0], 'http://x').searchParams.get('from')).toBe(new Date('2026-11-27T10:00').toISOString());
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('2026-11-27T10:00');

    await userEvent.click(screen.getByRole('button', { name: /^JUnit report of checkout/ }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const reportCall = calls.find((c) => c.path.endsWith('/report.xml'))!;
    expect(reportCall.headers.Authorization).toMatch(/^Bearer access-/);
    expect(createObjectURL).toHaveBeenCalled();
  });
});
