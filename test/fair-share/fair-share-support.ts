import type { Client } from 'pg';
import { API, type TestUser } from '../support/identity-helpers';
import type { TestApp } from '../support/test-app';

/** Sets a team's own concurrency limit (an org owner/admin may). */
export async function setTeamLimit(t: TestApp, owner: TestUser, teamId: string, limit: number | null): Promise<void> {
  const res = await t.http.patch(`${API}/teams/${teamId}`).set(owner.auth).send({ maxConcurrentExecutions: limit });
  if (res.status !== 200) throw new Error(`set team limit failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export interface RunTimes {
  id: string;
  status: string;
  created: number;
  started: number | null;
  finished: number | null;
}

/** Start and finish times of executions as stored (database clock), in the given order. */
export async function runTimes(db: Client, ids: string[]): Promise<RunTimes[]> {
  const { rows } = await db.query(`SELECT id, status, created_at, started_at, finished_at FROM executions WHERE id = ANY($1::uuid[])`, [ids]);
  const byId = new Map(
    rows.map((r) => [r.id, { id: r.id, status: r.status, created: +r.created_at, started: r.started_at ? +r.started_at : null, finished: r.finished_at ? +r.finished_at : null }]),
  );
  return ids.map((id) => byId.get(id)!);
}

/** The most runs that were IN_PROGRESS at the same instant, from their stored start/finish times. */
export function peakConcurrency(runs: RunTimes[]): number {
  let peak = 0;
  for (const run of runs) {
    if (run.started === null) continue;
    const at = run.started;
    peak = Math.max(peak, runs.filter((r) => r.started !== null && r.started <= at && (r.finished === null || r.finished > at)).length);
  }
  return peak;
}
