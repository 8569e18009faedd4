import { useQuery } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { meQuery, myTeamsQuery, type Team } from '../api/identity';
import { useApi } from '../auth/auth-context';
import { useTeamId } from '../teams/current-team';

/**
 * Picks the team the screens work on: teams grouped by organisation, each with the user's role. The
 * choice lives in the URL, so switching keeps the current section (Flows stays Flows) and links can be shared.
 */
export function TeamSwitcher() {
  const api = useApi();
  const teamId = useTeamId();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useQuery(meQuery(api));
  const teams = useQuery(myTeamsQuery(api));
  if (!teams.data) return null;

  const orgName = (orgId: string) => me.data?.organisations.find((org) => org.id === orgId)?.name ?? 'Organisation';
  const byOrg = new Map<string, Team[]>();
  for (const team of teams.data) byOrg.set(team.orgId, [...(byOrg.get(team.orgId) ?? []), team]);

  const switchTo = (nextTeamId: string) => {
    const section = location.pathname.split('/')[3] ?? 'flows';
    navigate(`/teams/${nextTeamId}/${section}`);
  };

  return (
    <label className="team-switcher">
      <span>Team</span>
      <select value={teamId} onChange={(event) => switchTo(event.target.value)}>
        {[...byOrg].map(([orgId, orgTeams]) => (
          <optgroup key={orgId} label={orgName(orgId)}>
            {orgTeams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name} ({team.role})
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
