/**
 * The little the flows module needs from team resources, as a narrow port so that validation and
 * import/export depend on three questions rather than on the resources module's whole service.
 */
export interface FlowResourceCatalog {
  /** The type of the team's resource, or null when the team has no such resource. */
  typeOf(teamId: string, resourceId: string): Promise<string | null>;
  /** The team's resources with these names (missing names are simply absent). */
  findByNames(teamId: string, names: readonly string[]): Promise<Array<{ id: string; name: string; type: string }>>;
  /** Names of the team's resources with these ids, for export (missing ids are simply absent). */
  namesByIds(teamId: string, ids: readonly string[]): Promise<Map<string, string>>;
}

export const FLOW_RESOURCE_CATALOG = Symbol('FlowResourceCatalog');
