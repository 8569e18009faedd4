import { isObject } from './flow-files';

/**
 * The flow as the flows API takes it: each step's `resource: "<name>"` (the file format, as in an export
 * document) becomes `config.resourceId` of the team's resource of that name. Unknown names are problems
 * with their pointer, relative to the flow.
 */
export function bindResourceNames(
  flow: Record<string, unknown>,
  idsByName: ReadonlyMap<string, string>,
): { flow: Record<string, unknown>; problems: Array<{ pointer: string; message: string }> } {
  if (!Array.isArray(flow.steps)) return { flow, problems: [] };
  const problems: Array<{ pointer: string; message: string }> = [];
  const steps = flow.steps.map((step: unknown, index) => {
    if (!isObject(step) || !('resource' in step)) return step;
    const { resource, ...rest } = step;
    const pointer = `/steps/${index}/resource`;
    const id = typeof resource === 'string' ? idsByName.get(resource) : undefined;
    if (!id) {
      problems.push({
        pointer,
        message: typeof resource === 'string' ? `no resource named "${resource}" in this team; create it first or change the name` : 'resource must be the name of a resource of this team',
      });
      return rest;
    }
    const config = isObject(rest.config) ? rest.config : {};
    return { ...rest, config: { ...config, resourceId: id } };
  });
  return { flow: { ...flow, steps }, problems };
}
