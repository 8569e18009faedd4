import { Navigate, Outlet, useLocation } from 'react-router';
import { Loading } from '../components/loading';
import { useSessionState } from './auth-context';

/** Route guard: signed-out visitors go to /sign-in and come back to where they were going. */
export function RequireAuth() {
  const state = useSessionState();
  const location = useLocation();
  if (state === 'restoring') return <Loading label="Restoring your session" />;
  if (state === 'signed-out') {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <Outlet />;
}
