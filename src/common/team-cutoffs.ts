/**
 * How far back each team keeps its runs: rows of the team created before `cutoff` may be deleted. The
 * retention pass computes one per team (EXECUTION_RETENTION_DAYS or the team's override) and hands the
 * list to each module that stores run data, which deletes its own rows in batches.
 */
export interface TeamCutoff {
  teamId: string;
  cutoff: Date;
}

/** `c(team_id, cutoff)` from a jsonb parameter made by `teamCutoffsParam`: joined laterally so each team's rows are found through its (team_id, created_at) index. */
export const TEAM_CUTOFFS_SQL = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(team_id uuid, cutoff timestamptz)`;

export function teamCutoffsParam(cutoffs: readonly TeamCutoff[]): string {
  return JSON.stringify(cutoffs.map((c) => ({ team_id: c.teamId, cutoff: c.cutoff.toISOString() })));
}
