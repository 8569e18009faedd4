import type { ReactNode } from 'react';
import type { TeamRole } from '../api/identity';
import { useCan } from './current-team';

/**
 * Renders its children only for users holding at least `role` in the selected team. The API enforces
 * the same rule; this only keeps controls a user cannot use off their screen.
 */
export function RequireRole({ role, children, fallback = null }: { role: TeamRole; children: ReactNode; fallback?: ReactNode }) {
  return <>{useCan(role) ? children : fallback}</>;
}

/** Edit controls (create, save, run, delete): editors and above. Viewers see the fallback, if any. */
export function CanEdit({ children, fallback }: { children: ReactNode; fallback?: ReactNode }) {
  return (
    <RequireRole role="editor" fallback={fallback}>
      {children}
    </RequireRole>
  );
}
