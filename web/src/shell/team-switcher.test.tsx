import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderSignedIn } from '../test/render-app';
import { useRole } from '../teams/current-team';
import { AppShell } from './app-shell';

const ME = {
  id: 'u1',
  email: 'ada@example.com',
  displayName: 'Ada',
  organisations: [
    { id: 'o1', name: 'Acme', role: 'owner' },
    { id: 'o2', name: 'Globex', role: 'member' },
  ],
  teams: [],
};
const TEAMS = [
  { id: 't1', orgId: 'o1', name: 'Payments', role: 'owner', createdAt: '2026-01-01', executionRetentionDays: null },
  { id: 't2', orgId: 'o1', name: 'Shipping', role: 'editor', createdAt: '2026-01-01', executionRetentionDays: null },
  { id: 't3', orgId: 'o2', name: 'Audit', role: 'viewer', createdAt: '2026-01-01', executionRetentionDays: null },
];
const API = { 'GET /auth/me': () => ({ status: 200, body: ME }), 'GET /teams': () => ({ status: 200, body: TEAMS }) };

function Section() {
  return <p>role: {useRole() ?? 'unknown'}</p>;
}
const routes = [{ path: '/teams/:teamId', element: <AppShell />, children: [{ path: ':section', element: <Section /> }] }];

describe('TeamSwitcher', () => {

  it('lists teams grouped by organisation with the role in each', async () => {
    await renderSignedIn(routes, '/teams/t1/flows', API);
    const select = await screen.findByRole('combobox', { name: 'Team' });
    const groups = within(select).getAllByRole('group');
    expect(groups.map((g) => g.getAttribute('label'))).toEqual(['Acme', 'Globex']);
    expect(within(groups[0]).getAllByRole('option').map((o) => o.textContent)).toEqual(['Payments (owner)', 'Shipping (editor)']);
    expect(within(groups[1]).getAllByRole('option').map((o) => o.textContent)).toEqual(['Audit (viewer)']);
    expect((select as HTMLSelectElement).value).toBe('t1');
  });

  it('switches team in the URL and keeps the current section', async () => {
    const { router } = await renderSignedIn(routes, '/teams/t1/executions', API);
    await screen.findByText('role: owner');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Team' }), 't3');
    expect(router.state.location.pathname).toBe('/teams/t3/executions');
    expect(await screen.findByText('role: viewer')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Flows' }).getAttribute('href')).toBe('/teams/t3/flows');
  });

  it('tells the user when the team in the URL is not one of theirs', async () => {
    await renderSignedIn(routes, '/teams/other/flows', API);
    expect(await screen.findByText(/not a member of this team/)).toBeTruthy();
  });
});
