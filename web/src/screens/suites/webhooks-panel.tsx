import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createWebhook, deleteWebhook, suiteKeys, webhookDeliveriesQuery, webhooksQuery, type Webhook } from '../../api/suites';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { CanEdit } from '../../teams/can';
import { useTeamId } from '../../teams/current-team';

/** Webhooks called when a run of the suite finishes: list, add (the secret is write-only), delete, delivery history. */
export function WebhooksPanel({ suiteId }: { suiteId: string }) {
  const api = useApi();
  const teamId = useTeamId();
  const queryClient = useQueryClient();
  const hooks = useQuery(webhooksQuery(api, teamId, suiteId));
  const [shown, setShown] = useState<string>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: [...suiteKeys(teamId), 'detail', suiteId, 'webhooks'] });
  const remove = useMutation({ mutationFn: (id: string) => deleteWebhook(api, teamId, suiteId, id), onSuccess: refresh });

  return (
    <section aria-labelledby="webhooks-title" className="stack">
      <h2 id="webhooks-title">Webhooks</h2>
      <ErrorMessage error={hooks.error ?? remove.error} />
      {hooks.isPending && <Loading label="Loading webhooks" />}
      {hooks.data && hooks.data.length === 0 && <p>No webhooks.</p>}
      {hooks.data && hooks.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Notify</th>
              <th scope="col">Format</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {hooks.data.map((hook) => (
              <tr key={hook.id}>
                <th scope="row">{hook.name}</th>
                <td>{hook.url}</td>
                <td>{hook.notifyOn}</td>
                <td>{hook.format}</td>
                <td>
                  <button type="button" aria-expanded={shown === hook.id} onClick={() => setShown(shown === hook.id ? undefined : hook.id)}>
                    Deliveries of {hook.name}
                  </button>{' '}
                  <CanEdit>
                    <button type="button" aria-label={`Delete webhook ${hook.name}`} onClick={() => window.confirm(`Delete webhook ${hook.name}?`) && remove.mutate(hook.id)}>
                      Delete
                    </button>
                  </CanEdit>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && <Deliveries suiteId={suiteId} webhook={hooks.data?.find((h) => h.id === shown)} />}
      <CanEdit>
        <NewWebhookForm suiteId={suiteId} onCreated={refresh} />
      </CanEdit>
    </section>
  );
}

function Deliveries({ suiteId, webhook }: { suiteId: string; webhook?: Webhook }) {
  const deliveries = useQuery({ ...webhookDeliveriesQuery(useApi(), useTeamId(), suiteId, webhook?.id ?? ''), enabled: !!webhook });
  if (!webhook) return null;
  return (
    <section aria-label={`Deliveries of ${webhook.name}`}>
      <h3>Deliveries of {webhook.name}</h3>
      <ErrorMessage error={deliveries.error} />
      {deliveries.isPending && <Loading label="Loading deliveries" />}
      {deliveries.data && deliveries.data.items.length === 0 && <p>No deliveries yet.</p>}
      {deliveries.data && deliveries.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Attempt</th>
              <th scope="col">Outcome</th>
              <th scope="col">HTTP status</th>
              <th scope="col">Error</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.items.map((d) => (
              <tr key={d.id}>
                <td>{new Date(d.createdAt).toLocaleString()}</td>
                <td>{d.attempt}</td>
                <td>
                  <span className={`badge ${d.outcome === 'delivered' ? 'ok' : 'bad'}`}>{d.outcome}</span>
                </td>
                <td>{d.httpStatus ?? '—'}</td>
                <td>{d.error ?? ''}</td>
                <td>{d.durationMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewWebhookForm({ suiteId, onCreated }: { suiteId: string; onCreated: () => Promise<void> }) {
  const api = useApi();
  const teamId = useTeamId();
  const empty = { name: '', url: '', secret: '', notifyOn: 'always' as Webhook['notifyOn'], format: 'json' as Webhook['format'] };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () => createWebhook(api, teamId, suiteId, form),
    onSuccess: async () => {
      setForm(empty); // the secret leaves the browser's memory with the form state
      await onCreated();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Add webhook">
      <h3>Add a webhook</h3>
      <div className="toolbar">
        <label>
          Webhook name
          <input value={form.name} required onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          Webhook URL
          <input type="url" value={form.url} required onChange={(e) => setForm({ ...form, url: e.target.value })} />
        </label>
        <label>
          Signing secret (16–256 characters)
          <input type="password" autoComplete="new-password" minLength={16} maxLength={256} value={form.secret} required onChange={(e) => setForm({ ...form, secret: e.target.value })} />
        </label>
        <label>
          Notify
          <select value={form.notifyOn} onChange={(e) => setForm({ ...form, notifyOn: e.target.value as Webhook['notifyOn'] })}>
            <option value="always">always</option>
            <option value="on-failure">on failure</option>
            <option value="on-change">on change</option>
          </select>
        </label>
        <label>
          Format
          <select value={form.format} onChange={(e) => setForm({ ...form, format: e.target.value as Webhook['format'] })}>
            <option value="json">json</option>
            <option value="slack">slack</option>
          </select>
        </label>
        <button type="submit" disabled={create.isPending}>
          Add webhook
        </button>
      </div>
      <ErrorMessage error={create.error} />
    </form>
  );
}
