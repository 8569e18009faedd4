import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { addMember, changeMemberRole, membersQuery, removeMember, type TeamRole } from '../../api/identity';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { RequireRole } from '../../teams/can';
import { useCan, useCurrentTeam, useTeamId } from '../../teams/current-team';
import { TEAM_ROLES } from '../../teams/roles';
import { ApiKeysPanel } from './api-keys-panel';

/** Team admin: members and roles (admins change them), and the team's API keys (admins only). */
export function TeamMembersScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const team = useCurrentTeam();
  const isAdmin = useCan('admin');
  const queryClient = useQueryClient();
  const members = useQuery(membersQuery(api, teamId));
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TeamRole>('editor');
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['teams', teamId, 'members'] });
  const add = useMutation({
    mutationFn: () => addMember(api, teamId, { email, role }),
    onSuccess: async () => {
      setEmail('');
      await invalidate();
    },
  });
  const change = useMutation({ mutationFn: (v: { userId: string; role: TeamRole }) => changeMemberRole(api, teamId, v.userId, v.role), onSettled: invalidate });
  const remove = useMutation({ mutationFn: (userId: string) => removeMember(api, teamId, userId), onSuccess: invalidate });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };

  return (
    <section aria-labelledby="team-title" className="stack">
      <h1 id="team-title">Team {team?.name}</h1>
      {team && <p>Your role: {team.role}</p>}
      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <RequireRole role="admin">
          <form className="toolbar" onSubmit={submit} aria-label="Add member">
            <label>
              Member email
              <input type="email" value={email} required onChange={(e) => setEmail(e.target.value)} />
            </label>
            <label>
              Member role
              <select value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
                {TEAM_ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={add.isPending}>
              Add member
            </button>
          </form>
        </RequireRole>
        <ErrorMessage error={members.error ?? add.error ?? change.error ?? remove.error} />
        {members.isPending && <Loading label="Loading members" />}
        {members.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                {isAdmin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {members.data.map((member) => (
                <tr key={member.userId}>
                  <th scope="row">{member.displayName}</th>
                  <td>{member.email}</td>
                  <td>
                    {isAdmin ? (
                      <select aria-label={`Role of ${member.email}`} value={member.role} onChange={(e) => change.mutate({ userId: member.userId, role: e.target.value as TeamRole })}>
                        {TEAM_ROLES.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    ) : (
                      member.role
                    )}
                  </td>
                  {isAdmin && (
                    <td>
                      <button type="button" aria-label={`Remove ${member.email}`} onClick={() => window.confirm(`Remove ${member.email} from the team?`) && remove.mutate(member.userId)}>
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <RequireRole role="admin" fallback={<p className="muted">API keys are managed by team admins.</p>}>
        <ApiKeysPanel />
      </RequireRole>
    </section>
  );
}
