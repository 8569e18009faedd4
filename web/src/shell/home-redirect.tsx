import { useQuery } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { myTeamsQuery } from '../api/identity';
import { useApi } from '../auth/auth-context';
import { ErrorMessage } from '../components/error-message';
import { Loading } from '../components/loading';

/** `/`: the first team's flows, or the getting-started screen for a user in no team yet. */
export function HomeRedirect() {
  const teams = useQuery(myTeamsQuery(useApi()));
  if (teams.error) return <ErrorMessage error={teams.error} />;
  if (!teams.data) return <Loading label="Loading your teams" />;
  const first = teams.data[0];
  return <Navigate to={first ? `/teams/${first.id}/flows` : '/get-started'} replace />;
}
