import { useQuery } from '@tanstack/react-query';
import { membersQuery } from '../../api/identity';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { useCurrentTeam, useTeamId } from '../../teams/current-team';

/** Members of the selected team and their roles (role changes and API keys come with the team admin screen). */
export function TeamMembersScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const team = useCurrentTeam();
  const members = useQuery(membersQuery(api, teamId));

  return (
    <section aria-labelledby="team-title">
      <h1 id="team-title">Team {team?.name}</h1>
      {team && <p>Your role: {team.role}</p>}
      <ErrorMessage error={members.error} />
      {members.isPending && <Loading label="Loading members" />}
      {members.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => (
              <tr key={member.userId}>
                <th scope="row">{member.displayName}</th>
                <td>{member.email}</td>
                <td>{member.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
