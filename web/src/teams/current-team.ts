import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { myTeamsQuery, type Team, type TeamRole } from '../api/identity';
import { useApi } from '../auth/auth-context';
import { hasRole } from './roles';

/** The team in the URL (`/teams/:teamId/...`). Screens under the team routes can rely on it being set. */
export function useTeamId(): string {
  const { teamId } = useParams();
  if (!teamId) throw new Error('useTeamId() used outside a /teams/:teamId route');
  return teamId;
}

/** The selected team with the user's effective role, once GET /teams has answered. */
export function useCurrentTeam(): Team | undefined {
  const teamId = useTeamId();
  const { data } = useQuery(myTeamsQuery(useApi()));
  return data?.find((team) => team.id === teamId);
}

/** The user's effective role in the selected team (undefined while loading). */
export function useRole(): TeamRole | undefined {
  return useCurrentTeam()?.role;
}

/** Whether the user may do what `required` allows in the selected team; false while the role is unknown. */
export function useCan(required: TeamRole): boolean {
  return hasRole(useRole(), required);
}
