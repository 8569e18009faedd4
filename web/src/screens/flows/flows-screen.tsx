import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { executionsQuery, type ExecutionSummary } from '../../api/executions';
import { flowsQuery } from '../../api/flows';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { Pager } from '../../components/pager';
import { SearchBox } from '../../components/search-box';
import { StatusBadge } from '../../components/status-badge';
import { CanEdit } from '../../teams/can';
import { useTeamId } from '../../teams/current-team';

/** Most recent runs fetched beside the flow page (in parallel, not after it) to show each flow's last status. */
const RECENT_RUNS = 100;

/** The team's flows: search by name, filter by tag, each with its latest run's status. */
export function FlowsScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const page = Number(params.get('page') ?? 1);
  const flows = useQuery(flowsQuery(api, teamId, { q: q || undefined, tag: tag || undefined, page, pageSize: 20 }));
  const recent = useQuery(executionsQuery(api, teamId, { pageSize: RECENT_RUNS }));
  const lastRun = latestRunByFlow(recent.data?.items ?? []);

  const update = (changes: Record<string, string | undefined>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(changes)) value ? next.set(key, value) : next.delete(key);
      return next;
    });

  return (
    <section aria-labelledby="flows-title">
      <h1 id="flows-title">Flows</h1>
      <div className="toolbar">
        <SearchBox label="Search flows" value={q} onSearch={(value) => update({ q: value, page: undefined })} />
        <CanEdit>
          <Link className="button primary" to={`/teams/${teamId}/flows/new`}>
            New flow
          </Link>
        </CanEdit>
        {tag && (
          <button type="button" onClick={() => update({ tag: undefined, page: undefined })}>
            Tag: {tag} ✕<span className="visually-hidden"> (remove filter)</span>
          </button>
        )}
      </div>
      <ErrorMessage error={flows.error} />
      {flows.isPending && <Loading label="Loading flows" />}
      {flows.data && flows.data.items.length === 0 && <p>No flows{q || tag ? ' match' : ' yet'}.</p>}
      {flows.data && flows.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Tags</th>
              <th scope="col">Version</th>
              <th scope="col">Last run</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {flows.data.items.map((flow) => (
              <tr key={flow.id}>
                <th scope="row">
                  <Link to={`/teams/${teamId}/flows/${flow.id}`}>{flow.name}</Link>
                  {flow.description && <div className="muted">{flow.description}</div>}
                </th>
                <td>
                  {flow.tags.map((t) => (
                    <button key={t} type="button" className="tag" onClick={() => update({ tag: t, page: undefined })}>
                      {t}
                    </button>
                  ))}
                </td>
                <td>v{flow.version}</td>
                <td>
                  <StatusBadge status={lastRun.get(flow.id)?.status} />
                </td>
                <td>
                  <time dateTime={flow.updatedAt}>{new Date(flow.updatedAt).toLocaleString()}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {flows.data && <Pager page={flows.data} label="Flows" onPage={(p) => update({ page: String(p) })} />}
    </section>
  );
}

/** Executions come newest first, so the first one seen per flow is its latest. */
export function latestRunByFlow(executions: ExecutionSummary[]): Map<string, ExecutionSummary> {
  const latest = new Map<string, ExecutionSummary>();
  for (const execution of executions) if (!latest.has(execution.flowId)) latest.set(execution.flowId, execution);
  return latest;
}
