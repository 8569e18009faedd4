import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderSignedIn } from '../../test/render-app';
import { TeamMembersScreen } from './team-members-screen';

const TEAMS = (role: string) => [{ id: 't1', orgId: 'o1', name: 'Payments', role, createdAt: '2026-01-01', executionRetentionDays: null }];
const MEMBERS = [{ userId: 'u1', email: 'ada@example.com', displayName: 'Ada', role: 'owner', createdAt: '2026-01-01' }];
const routes = [{ path: '/teams/:teamId/team', element: <TeamMembersScreen /> }];

describe('team admin', () => {
  it('shows a new API key once, with a copy button, then only its preview', async () => {
    const user = userEvent.setup(); // installs a clipboard stand-in on navigator
    const keys: unknown[] = [];
    const { calls } = await renderSignedIn(routes, '/teams/t1/team', {
      'GET /teams': () => ({ status: 200, body: TEAMS('owner') }),
      'GET /teams/t1/members': () => ({ status: 200, body: MEMBERS }),
      'GET /teams/t1/api-keys': () => ({ status: 200, body: keys }),
      'POST /teams/t1/api-keys': ({ body }) => {
        const key = { id: 'k1', ...(body as object), preview: 'ats_abcd1234…', createdAt: '2026-01-01', lastUsedAt: null, revokedAt: null };
        keys.push(key);
        return { status: 201, body: { ...key, key: 'ats_abcd1234_THE-FULL-SECRET' } };
      },
    });
    await user.type(await screen.findByLabelText('Key name'), 'gitlab-ci');
    await user.click(screen.getByRole('button', { name: 'Create API key' }));

    const dialog = await screen.findByRole('dialog', { name: 'API key gitlab-ci created' });
    expect((within(dialog).getByLabelText('API key') as HTMLInputElement).value).toBe('ats_abcd1234_THE-FULL-SECRET');
    expect(within(dialog).getByText(/shown only once/)).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST' && c.path.endsWith('/api-keys'))?.body).toEqual({ name: 'gitlab-ci', role: 'editor' });
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('ats_abcd1234_THE-FULL-SECRET');
    expect(await within(dialog).findByText('Copied to the clipboard.')).toBeTruthy();

    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await screen.findByText('ats_abcd1234…')).toBeTruthy();
    expect(document.body.textContent).not.toContain('THE-FULL-SECRET');
  });

  it('gives a viewer read-only lists: no role selects, no add or API-key controls', async () => {
    const { calls } = await renderSignedIn(routes, '/teams/t1/team', {
      'GET /teams': () => ({ status: 200, body: TEAMS('viewer') }),
      'GET /teams/t1/members': () => ({ status: 200, body: MEMBERS }),
    });
    expect(await screen.findByRole('cell', { name: 'ada@example.com' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'owner' })).toBeTruthy();
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText('API keys are managed by team admins.')).toBeTruthy();
    expect(calls.some((c) => c.path.endsWith('/api-keys'))).toBe(false);
  });
});
