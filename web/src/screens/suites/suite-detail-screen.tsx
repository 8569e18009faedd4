import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { flowsQuery } from '../../api/flows';
import { createSuite, runSuite, suiteKeys, suiteQuery, updateSuite, type Suite, type SuiteVariable } from '../../api/suites';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { CanEdit } from '../../teams/can';
import { useCan, useTeamId } from '../../teams/current-team';
import { SchedulePanel } from './schedule-panel';
import { SuiteEntriesEditor } from './suite-entries-editor';
import { VariablesEditor } from './variables-editor';
import { WebhooksPanel } from './webhooks-panel';

/** The flow picker offers the team's first 100 flows by name (the API's page limit). */
const PICKER_FLOWS = { pageSize: 100, sort: 'name', order: 'asc' } as const;

/** `/suites/new` and `/suites/:suiteId`: entries and variables, run, schedule and webhooks of one suite. */
export function SuiteDetailScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const { suiteId } = useParams();
  // Started together: the suite and the flows its picker offers.
  const suite = useQuery({ ...suiteQuery(api, teamId, suiteId ?? ''), enabled: !!suiteId });
  const flows = useQuery(flowsQuery(api, teamId, PICKER_FLOWS));
  const error = suite.error ?? flows.error;
  const ready = flows.data && (!suiteId || suite.data);

  return (
    <section aria-labelledby="suite-title" className="stack">
      <p>
        <Link to={`/teams/${teamId}/suites`}>← Suites</Link>
      </p>
      <h1 id="suite-title">{suiteId ? `Suite ${suite.data?.name ?? ''}` : 'New suite'}</h1>
      <ErrorMessage error={error} />
      {!ready && !error && <Loading label="Loading suite" />}
      {ready && <SuiteForm key={suite.data?.updatedAt ?? 'new'} suite={suite.data} />}
      {ready && suite.data && (
        <>
          <CanEdit>
            <RunPanel suite={suite.data} />
          </CanEdit>
          <SchedulePanel suite={suite.data} />
          <WebhooksPanel suiteId={suite.data.id} />
        </>
      )}
    </section>
  );
}

function SuiteForm({ suite }: { suite?: Suite }) {
  const api = useApi();
  const teamId = useTeamId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canEdit = useCan('editor');
  const flows = useQuery(flowsQuery(api, teamId, PICKER_FLOWS)).data?.items ?? [];
  const [name, setName] = useState(suite?.name ?? '');
  const [description, setDescription] = useState(suite?.description ?? '');
  const [entries, setEntries] = useState(suite?.entries ?? []);
  const [variables, setVariables] = useState(suite?.variables ?? []);
  const save = useMutation({
    mutationFn: () => {
      const body = { name, description, entries, variables };
      return suite ? updateSuite(api, teamId, suite.id, body) : createSuite(api, teamId, body);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: suiteKeys(teamId) });
      if (!suite) navigate(`/teams/${teamId}/suites/${saved.id}`, { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Suite">
      <label>
        Suite name
        <input value={name} required maxLength={120} disabled={!canEdit} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Description
        <input value={description} maxLength={2000} disabled={!canEdit} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <SuiteEntriesEditor entries={entries} flows={flows} onChange={setEntries} disabled={!canEdit} />
      <VariablesEditor label="Suite variable" value={variables} onChange={setVariables} disabled={!canEdit} />
      <ErrorMessage error={save.error} />
      {save.isSuccess && suite && <p role="status">Saved.</p>}
      <CanEdit>
        <p>
          <button type="submit" disabled={save.isPending}>
            {suite ? 'Save suite' : 'Create suite'}
          </button>
        </p>
      </CanEdit>
    </form>
  );
}

/** Runs the saved suite, optionally with run-only variables, and opens the live suite-run view. */
function RunPanel({ suite }: { suite: Suite }) {
  const api = useApi();
  const teamId = useTeamId();
  const navigate = useNavigate();
  const [variables, setVariables] = useState<SuiteVariable[]>([]);
  const run = useMutation({
    mutationFn: () => runSuite(api, teamId, suite.id, variables),
    onSuccess: (started) => navigate(`/teams/${teamId}/suite-runs/${started.id}`),
  });
  return (
    <section aria-labelledby="run-title" className="stack">
      <h2 id="run-title">Run</h2>
      <VariablesEditor label="Run variable" value={variables} onChange={setVariables} />
      <ErrorMessage error={run.error} />
      <p>
        <button type="button" className="button primary" disabled={run.isPending || !suite.enabled} onClick={() => run.mutate()}>
          Run suite
        </button>
        {!suite.enabled && <span className="muted"> The suite is disabled.</span>}
      </p>
    </section>
  );
}
