import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { suitesQuery } from '../../api/suites';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { Pager } from '../../components/pager';
import { CanEdit } from '../../teams/can';
import { useTeamId } from '../../teams/current-team';

/** The team's suites with their size, mode and next scheduled run. */
export function SuitesScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? 1);
  const suites = useQuery(suitesQuery(api, teamId, { page, pageSize: 20 }));

  return (
    <section aria-labelledby="suites-title">
      <h1 id="suites-title">Suites</h1>
      <CanEdit>
        <p>
          <Link className="button primary" to="new">
            New suite
          </Link>
        </p>
      </CanEdit>
      <ErrorMessage error={suites.error} />
      {suites.isPending && <Loading label="Loading suites" />}
      {suites.data && suites.data.items.length === 0 && <p>No suites yet.</p>}
      {suites.data && suites.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Flows</th>
              <th scope="col">Mode</th>
              <th scope="col">Next scheduled run</th>
            </tr>
          </thead>
          <tbody>
            {suites.data.items.map((suite) => (
              <tr key={suite.id}>
                <th scope="row">
                  <Link to={suite.id}>{suite.name}</Link>
                  {!suite.enabled && <span className="badge muted">disabled</span>}
                </th>
                <td>{suite.entries.length}</td>
                <td>{suite.mode}</td>
                <td>{suite.schedule?.nextRunAt ? new Date(suite.schedule.nextRunAt).toLocaleString() : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {suites.data && <Pager page={suites.data} label="Suites" onPage={(p) => setParams({ page: String(p) })} />}
    </section>
  );
}
