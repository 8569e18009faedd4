import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  createResource,
  deleteResource,
  openApiQuery,
  resourceKeys,
  resourceQuery,
  resourceTypesQuery,
  testResourceConfig,
  testSavedResource,
  updateResource,
  type ConnectionTestResult,
  type ResourceDetail,
} from '../../api/resources';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { useCan, useTeamId } from '../../teams/current-team';
import { ResourceConfigForm } from './resource-config-form';

/** `/resources/new` and `/resources/:resourceId`: one form for creating and editing, with a connection test. */
export function ResourceEditorScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const { resourceId } = useParams();
  // Independent queries start together (no waterfall): types, the schema document and the resource.
  const types = useQuery(resourceTypesQuery(api));
  const doc = useQuery(openApiQuery());
  const resource = useQuery({ ...resourceQuery(api, teamId, resourceId ?? ''), enabled: !!resourceId });
  const error = types.error ?? doc.error ?? resource.error;
  const ready = types.data && doc.data && (!resourceId || resource.data);

  return (
    <section aria-labelledby="resource-title" className="stack">
      <p>
        <Link to={`/teams/${teamId}/resources`}>← Resources</Link>
      </p>
      <h1 id="resource-title">{resourceId ? `Resource ${resource.data?.name ?? ''}` : 'New resource'}</h1>
      <ErrorMessage error={error} />
      {!ready && !error && <Loading label="Loading resource form" />}
      {ready && <ResourceEditor key={resource.data?.version ?? 'new'} resource={resource.data} />}
    </section>
  );
}

function ResourceEditor({ resource }: { resource?: ResourceDetail }) {
  const api = useApi();
  const teamId = useTeamId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canEdit = useCan('editor');
  const types = useQuery(resourceTypesQuery(api)).data!;
  const doc = useQuery(openApiQuery()).data!;
  const [name, setName] = useState(resource?.name ?? '');
  const [type, setType] = useState(resource?.type ?? types[0]?.type ?? '');
  const [description, setDescription] = useState(resource?.description ?? '');
  // Starts from the saved config, which never holds secrets: only secrets typed here are sent.
  const [config, setConfig] = useState<Record<string, unknown>>(resource?.config ?? {});
  const [testResult, setTestResult] = useState<ConnectionTestResult>();
  const typeInfo = types.find((t) => t.type === type);
  const schema = typeInfo ? doc.components.schemas[typeInfo.configSchema] : undefined;

  const save = useMutation({
    mutationFn: () => {
      const body = { name, type, description: description || null, config };
      return resource ? updateResource(api, teamId, resource.id, body) : createResource(api, teamId, body);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: resourceKeys(teamId) });
      if (!resource) navigate(`/teams/${teamId}/resources/${saved.id}`, { replace: true });
    },
  });
  const test = useMutation({
    mutationFn: () =>
      // A form the user has not changed tests the saved resource; otherwise the form's config (secrets left out come from the saved one).
      resource && config === resource.config ? testSavedResource(api, teamId, resource.id) : testResourceConfig(api, teamId, { type, config, resourceId: resource?.id }),
    onMutate: () => setTestResult(undefined),
    onSuccess: setTestResult,
  });
  const remove = useMutation({
    mutationFn: () => deleteResource(api, teamId, resource!.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: resourceKeys(teamId) });
      navigate(`/teams/${teamId}/resources`);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <form className="stack" onSubmit={submit} aria-label="Resource">
      <label>
        Resource name
        <input value={name} required disabled={!canEdit} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Resource type
        <select
          value={type}
          disabled={!!resource || !canEdit}
          onChange={(e) => {
            setType(e.target.value);
            setConfig({});
            setTestResult(undefined);
          }}
        >
          {types.map((t) => (
            <option key={t.type} value={t.type}>
              {t.type} — {t.description}
            </option>
          ))}
        </select>
      </label>
      <label>
        Description
        <input value={description} disabled={!canEdit} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {schema && typeInfo && (
        <fieldset className="stack">
          <legend>{type} configuration</legend>
          <ResourceConfigForm schema={schema} doc={doc} value={config} onChange={setConfig} secretFields={typeInfo.secretFields} secretsSet={resource?.secrets} disabled={!canEdit} />
        </fieldset>
      )}
      <ErrorMessage error={save.error ?? remove.error ?? test.error} />
      {save.isSuccess && resource && <p role="status">Saved (version {save.data.version}).</p>}
      {testResult && (
        <p role="status" className={testResult.ok ? 'note' : 'error'}>
          {testResult.ok ? `Connection ok in ${testResult.latencyMs} ms` : `Connection failed after ${testResult.latencyMs} ms: ${testResult.error ?? 'unknown error'}`}
        </p>
      )}
      {canEdit && (
        <div className="toolbar">
          <button type="submit" disabled={save.isPending}>
            {resource ? 'Save' : 'Create resource'}
          </button>
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            {test.isPending ? 'Testing…' : 'Test connection'}
          </button>
          {resource && (
            <button type="button" onClick={() => window.confirm(`Delete resource ${resource.name}?`) && remove.mutate()} disabled={remove.isPending}>
              Delete
            </button>
          )}
        </div>
      )}
    </form>
  );
}
