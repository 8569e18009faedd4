import type { ApiClient } from '../api-client';

interface Page<T> {
  items: T[];
  total: number;
}

export interface RemoteFlowSummary {
  id: string;
  name: string;
  version: number;
}

/** Every item of a paginated team list (the API caps pages at 100). */
export async function listAll<T>(client: ApiClient, path: string, query: Record<string, string | number> = {}): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const answer = await client.get<Page<T>>(path, { query: { ...query, page, pageSize: 100 } });
    items.push(...answer.items);
    if (!answer.items.length || items.length >= answer.total) return items;
  }
}

export async function flowsByName(client: ApiClient, teamPath: string): Promise<Map<string, RemoteFlowSummary>> {
  const flows = await listAll<RemoteFlowSummary>(client, `${teamPath}/flows`, { sort: 'name' });
  return new Map(flows.map((f) => [f.name, f]));
}

export async function resourceIdsByName(client: ApiClient, teamPath: string): Promise<Map<string, string>> {
  const resources = await listAll<{ id: string; name: string }>(client, `${teamPath}/resources`);
  return new Map(resources.map((r) => [r.name, r.id]));
}
