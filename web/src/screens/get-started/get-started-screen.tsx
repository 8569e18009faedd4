import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { createOrg, createTeam } from '../../api/identity';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';

/** A new user belongs to no team: create an organisation and its first team, then go to its flows. */
export function GetStartedScreen() {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: async ({ org, team }: { org: string; team: string }) => createTeam(api, (await createOrg(api, org)).id, team),
    onSuccess: async (team) => {
      await queryClient.invalidateQueries({ queryKey: ['teams'] });
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      navigate(`/teams/${team.id}/flows`);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ org: String(form.get('org')), team: String(form.get('team')) });
  };

  return (
    <main id="main" className="auth-screen">
      <h1>Get started</h1>
      <p>You are not in a team yet. Create your organisation and a first team, or ask a team admin to add you.</p>
      <form onSubmit={submit} className="stack">
        <label>
          Organisation name
          <input name="org" required maxLength={120} />
        </label>
        <label>
          Team name
          <input name="team" required maxLength={120} />
        </label>
        <ErrorMessage error={create.error} />
        <button type="submit" disabled={create.isPending}>
          Create team
        </button>
      </form>
    </main>
  );
}
