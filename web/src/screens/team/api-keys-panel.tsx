import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiKeysQuery, createApiKey, revokeApiKey, type ApiKey, type CreatedApiKey } from '../../api/identity';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { useTeamId } from '../../teams/current-team';
import { ApiKeyCreatedDialog } from './api-key-created-dialog';

const KEY_ROLES: ApiKey['role'][] = ['viewer', 'editor', 'admin'];

/** The team's API keys (admins only, as the API): list, create (key shown once), revoke. */
export function ApiKeysPanel() {
  const api = useApi();
  const teamId = useTeamId();
  const queryClient = useQueryClient();
  const keys = useQuery(apiKeysQuery(api, teamId));
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKey['role']>('editor');
  const [created, setCreated] = useState<CreatedApiKey>();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['teams', teamId, 'api-keys'] });
  const create = useMutation({
    mutationFn: () => createApiKey(api, teamId, { name, role }),
    onSuccess: async (key) => {
      setCreated(key);
      setName('');
      await invalidate();
    },
  });
  const revoke = useMutation({ mutationFn: (id: string) => revokeApiKey(api, teamId, id), onSuccess: invalidate });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <section aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <form className="toolbar" onSubmit={submit} aria-label="Create API key">
        <label>
          Key name
          <input value={name} required maxLength={120} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Key role
          <select value={role} onChange={(e) => setRole(e.target.value as ApiKey['role'])}>
            {KEY_ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={create.isPending}>
          Create API key
        </button>
      </form>
      <ErrorMessage error={keys.error ?? create.error ?? revoke.error} />
      {keys.isPending && <Loading label="Loading API keys" />}
      {keys.data && keys.data.length === 0 && <p>No API keys yet.</p>}
      {keys.data && keys.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Role</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id}>
                <th scope="row">{key.name}</th>
                <td>
                  <code>{key.preview}</code>
                </td>
                <td>{key.role}</td>
                <td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never'}</td>
                <td>
                  {key.revokedAt ? (
                    <span className="badge muted">revoked</span>
                  ) : (
                    <button type="button" aria-label={`Revoke ${key.name}`} onClick={() => window.confirm(`Revoke API key ${key.name}? It stops working immediately.`) && revoke.mutate(key.id)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {created && <ApiKeyCreatedDialog created={created} onClose={() => setCreated(undefined)} />}
    </section>
  );
}
