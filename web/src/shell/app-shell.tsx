import { useQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router';
import { meQuery, myTeamsQuery } from '../api/identity';
import { useApi, useSession } from '../auth/auth-context';
import { ErrorMessage } from '../components/error-message';
import { Loading } from '../components/loading';
import { useCurrentTeam, useTeamId } from '../teams/current-team';
import { TeamSwitcher } from './team-switcher';

/** Sections of a team; each is a route `/teams/:teamId/<path>` with a screen in src/screens/<area>/. */
export const SECTIONS = [
  { path: 'flows', label: 'Flows' },
  { path: 'executions', label: 'Executions' },
  { path: 'suites', label: 'Suites' },
  { path: 'resources', label: 'Resources' },
  { path: 'team', label: 'Team' },
] as const;

/** Header (team switcher, user, sign out), section navigation and the current screen. */
export function AppShell() {
  const api = useApi();
  const session = useSession();
  const teamId = useTeamId();
  const me = useQuery(meQuery(api));
  const team = useCurrentTeam();

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <span className="brand">Async Testing Service</span>
        <TeamSwitcher />
        <span className="user">{me.data?.displayName}</span>
        <button type="button" onClick={() => void session.logout()}>
          Sign out
        </button>
      </header>
      <nav className="shell-nav" aria-label="Sections">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <NavLink to={`/teams/${teamId}/${section.path}`}>{section.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <ErrorMessage error={me.error} />
        {team === undefined && <TeamAccessNote />}
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function TeamAccessNote() {
  const api = useApi();
  const teams = useQuery(myTeamsQuery(api));
  // Only once the team list is known: an unknown team id is a stale link or a team the user left.
  return teams.isSuccess ? <p className="note">You are not a member of this team; pick one from the team list.</p> : null;
}
