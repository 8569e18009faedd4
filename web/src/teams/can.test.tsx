import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TeamRole } from '../api/identity';
import { renderSignedIn } from '../test/render-app';
import { CanEdit, RequireRole } from './can';
import { hasRole } from './roles';

function Controls() {
  return (
    <div>
      <p>screen</p>
      <CanEdit fallback={<span>read only</span>}>
        <button type="button">Save flow</button>
      </CanEdit>
      <RequireRole role="admin">
        <button type="button">Manage members</button>
      </RequireRole>
    </div>
  );
}

async function renderAs(role: TeamRole) {
  const teams = [{ id: 't1', orgId: 'o1', name: 'Payments', role, createdAt: '2026-01-01', executionRetentionDays: null }];
  await renderSignedIn([{ path: '/teams/:teamId', element: <Controls /> }], '/teams/t1', {
    'GET /teams': () => ({ status: 200, body: teams }),
  });
  await screen.findByText('screen');
}

describe('role helpers', () => {

  it('orders roles like the server: each includes the weaker ones', () => {
    expect(hasRole('owner', 'admin')).toBe(true);
    expect(hasRole('editor', 'editor')).toBe(true);
    expect(hasRole('viewer', 'editor')).toBe(false);
    expect(hasRole(undefined, 'viewer')).toBe(false);
  });

  it('hides edit controls from a viewer and shows the fallback', async () => {
    await renderAs('viewer');
    expect(await screen.findByText('read only')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save flow' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Manage members' })).toBeNull();
  });

  it('shows edit controls to an editor but admin controls only to admins', async () => {
    await renderAs('editor');
    expect(await screen.findByRole('button', { name: 'Save flow' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Manage members' })).toBeNull();
  });

  it('shows every control to an owner', async () => {
    await renderAs('owner');
    expect(await screen.findByRole('button', { name: 'Manage members' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save flow' })).toBeTruthy();
  });
});
