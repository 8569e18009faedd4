import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { ApiClient } from '../api/api-client';
import type { Session, SessionState } from './session';

interface AuthContextValue {
  session: Session;
  api: ApiClient;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

/**
 * Provides the session and the API client bound to it. Ending the session (sign out, or a refresh
 * token the API refused) drops every cached query, so nothing of one user is shown to the next.
 */
export function AuthProvider({ session, children }: { session: Session; children: ReactNode }) {
  const queryClient = useQueryClient();
  const value = useMemo(() => ({ session, api: new ApiClient(session) }), [session]);
  useEffect(() => session.subscribe((state) => state === 'signed-out' && queryClient.clear()), [session, queryClient]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

function useAuthContext(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth/useApi must be used inside <AuthProvider>');
  return value;
}

export function useSession(): Session {
  return useAuthContext().session;
}

/** The typed API client for the signed-in user; pass it to the helpers in src/api/<area>.ts. */
export function useApi(): ApiClient {
  return useAuthContext().api;
}

/** Re-renders when the user signs in or out. */
export function useSessionState(): SessionState {
  const session = useSession();
  return useSyncExternalStore(
    (onChange) => session.subscribe(onChange),
    () => session.state,
  );
}
