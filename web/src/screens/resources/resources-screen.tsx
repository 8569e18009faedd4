import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { resourcesQuery } from '../../api/resources';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { Pager } from '../../components/pager';
import { CanEdit } from '../../teams/can';
import { useTeamId } from '../../teams/current-team';

/** The team's resources (connections steps use). Secret fields never reach the browser, so none are listed. */
export function ResourcesScreen() {
  const api = useApi();
  const teamId = useTeamId();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? 1);
  const resources = useQuery(resourcesQuery(api, teamId, { page, pageSize: 50 }));

  return (
    <section aria-labelledby="resources-title">
      <h1 id="resources-title">Resources</h1>
      <CanEdit>
        <p>
          <Link className="button primary" to="new">
            New resource
          </Link>
        </p>
      </CanEdit>
      <ErrorMessage error={resources.error} />
      {resources.isPending && <Loading label="Loading resources" />}
      {resources.data && resources.data.items.length === 0 && <p>No resources yet.</p>}
      {resources.data && resources.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Group</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {resources.data.items.map((resource) => (
              <tr key={resource.id}>
                <th scope="row">
                  <Link to={resource.id}>{resource.name}</Link>
                </th>
                <td>{resource.type}</td>
                <td>{resource.group ?? '—'}</td>
                <td>{resource.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {resources.data && <Pager page={resources.data} label="Resources" onPage={(p) => setParams({ page: String(p) })} />}
    </section>
  );
}
