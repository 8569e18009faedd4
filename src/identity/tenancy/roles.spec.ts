import { effectiveTeamRole, hasTeamRole } from './roles';

describe('roles', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'editor', false],
    ['editor', 'viewer', true],
    ['editor', 'admin', false],
    ['admin', 'editor', true],
    ['admin', 'owner', false],
    ['owner', 'admin', true],
  ] as const)('%s satisfies %s: %s', (actual, required, expected) => {
    expect(hasTeamRole(actual, required)).toBe(expected);
  });

  it('lets organisation owners and admins act on every team of the org', () => {
    expect(effectiveTeamRole(undefined, 'owner')).toBe('owner');
    expect(effectiveTeamRole(undefined, 'admin')).toBe('admin');
    expect(effectiveTeamRole('viewer', 'admin')).toBe('admin');
    expect(effectiveTeamRole('owner', 'admin')).toBe('owner');
  });

  it('gives plain org members nothing beyond their team membership', () => {
    expect(effectiveTeamRole(undefined, 'member')).toBeUndefined();
    expect(effectiveTeamRole('editor', 'member')).toBe('editor');
    expect(effectiveTeamRole(undefined, undefined)).toBeUndefined();
  });
});
