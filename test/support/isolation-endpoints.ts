import type { TeamRole } from '../../src/identity/tenancy/roles';

/** Objects that exist in every team of the isolation world, by kind (ids filled in by the world builder). */
export interface TeamObjects {
  teamId: string;
  apiKeyId: string;
  memberUserId: string;
  [kind: string]: string;
}

export interface EndpointCase {
  name: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: (o: TeamObjects) => string;
  body?: (o: TeamObjects) => object;
  /** Least team role that may call it. */
  role: TeamRole;
  /** True when calling it successfully changes nothing, so the matrix may also check the allowed case. */
  safe: boolean;
}

/**
 * Every team-scoped endpoint, one line each. Later modules append their endpoints here; the matrix in
 * test/identity/isolation-matrix.e2e-spec.ts then proves that no other team can reach them.
 */
export const TEAM_ENDPOINTS: EndpointCase[] = [
  { name: 'get team', method: 'get', path: (o) => `/teams/${o.teamId}`, role: 'viewer', safe: true },
  { name: 'rename team', method: 'patch', path: (o) => `/teams/${o.teamId}`, body: () => ({ name: 'x' }), role: 'admin', safe: false },
  { name: 'set team retention', method: 'patch', path: (o) => `/teams/${o.teamId}`, body: () => ({ executionRetentionDays: 30 }), role: 'admin', safe: false },
  { name: 'delete team', method: 'delete', path: (o) => `/teams/${o.teamId}`, role: 'owner', safe: false },
  { name: 'team usage', method: 'get', path: (o) => `/teams/${o.teamId}/usage`, role: 'viewer', safe: true },
  { name: 'list members', method: 'get', path: (o) => `/teams/${o.teamId}/members`, role: 'viewer', safe: true },
  { name: 'add member', method: 'post', path: (o) => `/teams/${o.teamId}/members`, body: () => ({ email: 'nobody@example.com', role: 'viewer' }), role: 'admin', safe: false },
  { name: 'change member role', method: 'patch', path: (o) => `/teams/${o.teamId}/members/${o.memberUserId}`, body: () => ({ role: 'viewer' }), role: 'admin', safe: false },
  { name: 'remove member', method: 'delete', path: (o) => `/teams/${o.teamId}/members/${o.memberUserId}`, role: 'admin', safe: false },
  { name: 'list api keys', method: 'get', path: (o) => `/teams/${o.teamId}/api-keys`, role: 'admin', safe: true },
  { name: 'create api key', method: 'post', path: (o) => `/teams/${o.teamId}/api-keys`, body: () => ({ name: 'x', role: 'viewer' }), role: 'admin', safe: false },
  { name: 'revoke api key', method: 'delete', path: (o) => `/teams/${o.teamId}/api-keys/${o.apiKeyId}`, role: 'admin', safe: false },
  { name: 'list resources', method: 'get', path: (o) => `/teams/${o.teamId}/resources`, role: 'viewer', safe: true },
  { name: 'get resource', method: 'get', path: (o) => `/teams/${o.teamId}/resources/${o.resourceId}`, role: 'viewer', safe: true },
  { name: 'create resource', method: 'post', path: (o) => `/teams/${o.teamId}/resources`, body: () => ({ name: 'x', type: 'redis', config: { host: 'cache.internal' } }), role: 'editor', safe: false },
  { name: 'update resource', method: 'patch', path: (o) => `/teams/${o.teamId}/resources/${o.resourceId}`, body: () => ({ description: 'x' }), role: 'editor', safe: false },
  { name: 'delete resource', method: 'delete', path: (o) => `/teams/${o.teamId}/resources/${o.resourceId}`, role: 'editor', safe: false },
  { name: 'test resource', method: 'post', path: (o) => `/teams/${o.teamId}/resources/${o.resourceId}/test`, role: 'editor', safe: true },
  { name: 'test resource config', method: 'post', path: (o) => `/teams/${o.teamId}/resources/test`, body: () => ({ type: 'http', config: { baseUrl: 'http://127.0.0.1:1' } }), role: 'editor', safe: true },
  { name: 'list flows', method: 'get', path: (o) => `/teams/${o.teamId}/flows`, role: 'viewer', safe: true },
  { name: 'get flow', method: 'get', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}`, role: 'viewer', safe: true },
  { name: 'create flow', method: 'post', path: (o) => `/teams/${o.teamId}/flows`, body: () => ({ name: 'x' }), role: 'editor', safe: false },
  { name: 'validate flow', method: 'post', path: (o) => `/teams/${o.teamId}/flows/validate`, body: () => ({ name: 'x', steps: [] }), role: 'viewer', safe: true },
  { name: 'update flow', method: 'patch', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}`, body: () => ({ description: 'x' }), role: 'editor', safe: false },
  { name: 'delete flow', method: 'delete', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}`, role: 'editor', safe: false },
  { name: 'list flow versions', method: 'get', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}/versions`, role: 'viewer', safe: true },
  { name: 'get flow version', method: 'get', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}/versions/1`, role: 'viewer', safe: true },
  { name: 'diff flow versions', method: 'get', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}/diff?from=1&to=1`, role: 'viewer', safe: true },
  { name: 'restore flow version', method: 'post', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}/versions/1/restore`, role: 'editor', safe: false },
  { name: 'export flows', method: 'get', path: (o) => `/teams/${o.teamId}/flows/export`, role: 'viewer', safe: true },
  { name: 'export flow', method: 'get', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}/export`, role: 'viewer', safe: true },
  { name: 'import flows', method: 'post', path: (o) => `/teams/${o.teamId}/flows/import`, body: () => ({ format: 'ats.flows', formatVersion: 1, flows: [{ name: 'imported' }] }), role: 'editor', safe: false },
  { name: 'list suites', method: 'get', path: (o) => `/teams/${o.teamId}/suites`, role: 'viewer', safe: true },
  { name: 'get suite', method: 'get', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}`, role: 'viewer', safe: true },
  { name: 'create suite', method: 'post', path: (o) => `/teams/${o.teamId}/suites`, body: (o) => ({ name: 'x', entries: [{ flowId: o.flowId }] }), role: 'editor', safe: false },
  { name: 'update suite', method: 'patch', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}`, body: () => ({ description: 'x' }), role: 'editor', safe: false },
  { name: 'delete suite', method: 'delete', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}`, role: 'editor', safe: false },
  { name: 'run suite', method: 'post', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/run`, body: () => ({}), role: 'editor', safe: false },
  { name: 'get suite schedule', method: 'get', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/schedule`, role: 'viewer', safe: true },
  { name: 'set suite schedule', method: 'put', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/schedule`, body: () => ({ cron: '0 0 1 1 *' }), role: 'editor', safe: false },
  { name: 'delete suite schedule', method: 'delete', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/schedule`, role: 'editor', safe: false },
  { name: 'list suite webhooks', method: 'get', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/webhooks`, role: 'viewer', safe: true },
  { name: 'create suite webhook', method: 'post', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/webhooks`, body: () => ({ name: 'x', url: 'http://127.0.0.1:1/x', secret: 'x-secret-0123456789', enabled: false }), role: 'editor', safe: false },
  { name: 'update suite webhook', method: 'patch', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/webhooks/${o.webhookId}`, body: () => ({ name: 'x' }), role: 'editor', safe: false },
  { name: 'delete suite webhook', method: 'delete', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/webhooks/${o.webhookId}`, role: 'editor', safe: false },
  { name: 'list webhook deliveries', method: 'get', path: (o) => `/teams/${o.teamId}/suites/${o.suiteId}/webhooks/${o.webhookId}/deliveries`, role: 'viewer', safe: true },
  { name: 'list triggers', method: 'get', path: (o) => `/teams/${o.teamId}/triggers`, role: 'viewer', safe: true },
  { name: 'get trigger', method: 'get', path: (o) => `/teams/${o.teamId}/triggers/${o.triggerId}`, role: 'viewer', safe: true },
  { name: 'create trigger', method: 'post', path: (o) => `/teams/${o.teamId}/triggers`, body: (o) => ({ name: 'x', source: 'generic', rules: [{ match: { labels: {} }, run: { suiteId: o.suiteId } }], enabled: false }), role: 'editor', safe: false },
  { name: 'update trigger', method: 'patch', path: (o) => `/teams/${o.teamId}/triggers/${o.triggerId}`, body: () => ({ enabled: false }), role: 'editor', safe: false },
  { name: 'rotate trigger secret', method: 'post', path: (o) => `/teams/${o.teamId}/triggers/${o.triggerId}/rotate-secret`, role: 'editor', safe: false },
  { name: 'delete trigger', method: 'delete', path: (o) => `/teams/${o.teamId}/triggers/${o.triggerId}`, role: 'editor', safe: false },
  { name: 'list trigger deliveries', method: 'get', path: (o) => `/teams/${o.teamId}/triggers/${o.triggerId}/deliveries`, role: 'viewer', safe: true },
  { name: 'list suite runs', method: 'get', path: (o) => `/teams/${o.teamId}/suite-runs`, role: 'viewer', safe: true },
  { name: 'get suite run', method: 'get', path: (o) => `/teams/${o.teamId}/suite-runs/${o.suiteRunId}`, role: 'viewer', safe: true },
  { name: 'cancel suite run', method: 'post', path: (o) => `/teams/${o.teamId}/suite-runs/${o.suiteRunId}/cancel`, role: 'editor', safe: false },
  // A stream: its allowed case is covered by test/suites (the matrix checks 401/403/404).
  { name: 'suite run events', method: 'get', path: (o) => `/teams/${o.teamId}/suite-runs/${o.suiteRunId}/events`, role: 'viewer', safe: false },
  { name: 'suite run report json', method: 'get', path: (o) => `/teams/${o.teamId}/suite-runs/${o.suiteRunId}/report.json`, role: 'viewer', safe: true },
  { name: 'suite run report xml', method: 'get', path: (o) => `/teams/${o.teamId}/suite-runs/${o.suiteRunId}/report.xml`, role: 'viewer', safe: true },
  { name: 'rerun execution', method: 'post', path: (o) => `/teams/${o.teamId}/executions/${o.executionId}/rerun`, role: 'editor', safe: false },
  { name: 'rerun execution from a step', method: 'post', path: (o) => `/teams/${o.teamId}/executions/${o.executionId}/rerun?fromStep=x`, role: 'editor', safe: false },
  { name: 'rerun suite run', method: 'post', path: (o) => `/teams/${o.teamId}/suite-runs/${o.suiteRunId}/rerun?failedOnly=true`, role: 'editor', safe: false },
  { name: 'get execution step', method: 'get', path: (o) => `/teams/${o.teamId}/executions/${o.executionId}/steps/${o.executionStepId}`, role: 'viewer', safe: true },
  { name: 'execution report json', method: 'get', path: (o) => `/teams/${o.teamId}/executions/${o.executionId}/report.json`, role: 'viewer', safe: true },
  { name: 'execution report xml', method: 'get', path: (o) => `/teams/${o.teamId}/executions/${o.executionId}/report.xml`, role: 'viewer', safe: true },
  { name: 'flow stats', method: 'get', path: (o) => `/teams/${o.teamId}/flows/${o.flowId}/stats`, role: 'viewer', safe: true },
  { name: 'flakiest steps', method: 'get', path: (o) => `/teams/${o.teamId}/stats/steps`, role: 'viewer', safe: true },
];
