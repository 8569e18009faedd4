import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSignedIn } from '../../test/render-app';
import { RunDialog } from './run-dialog';

const TEAM = '5e1a0000-0000-4000-8000-000000000001';
const FLOW = 'f1a00000-0000-4000-8000-000000000002';

describe('RunDialog with test data', () => {
  beforeAll(() => {
    // jsdom has no modal dialogs: opening one just shows it.
    HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
      this.open = true;
    };
  });

  async function open() {
    return renderSignedIn(
      [
        { path: '/teams/:teamId/flows/:flowId', element: <RunDialog teamId={TEAM} flowId={FLOW} variables={[{ name: 'sku', type: 'string', required: true }, { name: 'region', type: 'string', default: 'eu' }]} onClose={() => undefined} /> },
        { path: '/teams/:teamId/executions', element: <p>executions list</p> },
      ],
      `/teams/${TEAM}/flows/${FLOW}`,
      { [`POST /teams/${TEAM}/flows/run-batch`]: ({ body }) => ({ status: 201, body: (body as { runs: unknown[] }).runs.map((_, i) => ({ id: `e${i}` })) }) },
    );
  }

  it('starts one run per row in one request, rows over the form values, and opens the flow\'s executions', async () => {
    const user = userEvent.setup();
    const view = await open();
    await user.click(screen.getByText('Test data: one run per row'));
    const rows = screen.getByPlaceholderText(/\[\{"sku"/);
    await user.click(rows);
    await user.paste('[{"sku": "A-1"}, {"sku": "B-2", "region": "us"}]');
    await user.click(screen.getByRole('button', { name: 'Start 2 runs' }));
    await waitFor(() => expect(view.router.state.location.pathname).toBe(`/teams/${TEAM}/executions`));
    expect(view.router.state.location.search).toBe(`?flowId=${FLOW}`);
    const call = view.calls.find((c) => c.path === `/teams/${TEAM}/flows/run-batch`)!;
    expect(call.body).toEqual({
      flowId: FLOW,
      runs: [
        { variables: [{ name: 'region', value: 'eu' }, { name: 'sku', value: 'A-1' }], parameters: { initialDelay: 0 } },
        { variables: [{ name: 'region', value: 'us' }, { name: 'sku', value: 'B-2' }], parameters: { initialDelay: 0 } },
      ],
    });
  });

  it('says what is wrong with the test data and starts nothing', async () => {
    const user = userEvent.setup();
    const view = await open();
    await user.click(screen.getByText('Test data: one run per row'));
    await user.click(screen.getByPlaceholderText(/\[\{"sku"/));
    await user.paste('[{"sku": "A-1"}, "B-2"]');
    expect(screen.getByRole('alert').textContent).toBe('Row 2 is not an object of variables (name → value)');
    expect((screen.getByRole('button', { name: 'Start run' }) as HTMLButtonElement).disabled).toBe(true);
    expect(view.calls.some((c) => c.path.endsWith('/run-batch'))).toBe(false);
  });
});
