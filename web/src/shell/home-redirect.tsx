import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Navigate } from 'react-router';
import { meQuery, myTeamsQuery } from '../api/identity';
import { useApi } from '../auth/auth-context';
import { ErrorMessage } from '../components/error-message';
import { Loading } from '../components/loading';

/** `/`: the first team's flows, or the getting-started screen for a user in no team yet. */
export function HomeRedirect() {
  const api = useApi();
  const teams = useQuery(myTeamsQuery(api));
  // What the flows screen needs next and does not depend on the team: the user (shell header) and the
  // screen's code, fetched beside the team list instead of after it (bench/web-navigation.bench.ts).
  useQuery({ ...meQuery(api), notifyOnChangeProps: [] });
  useEffect(() => void import('../screens/flows/flows-screen'), []);
  if (teams.error) return <ErrorMessage error={teams.error} />;
  if (!teams.data) return <Loading label="Loading your teams" />;
  const first = teams.data[0];
  return <Navigate to={first ? `/teams/${first.id}/flows` : '/get-started'} replace />;
}
