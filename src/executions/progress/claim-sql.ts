/**
 * The statements that claim an execution for a worker (ExecutionProgressService.claim). A fresh run —
 * the common case — is claimed by FRESH_CLAIM_SQL alone; any other (resumed, cancelled before start, a
 * sub-flow's child, a re-run with reused steps, a job of an earlier wait) is read first and claimed by
 * GATED_CLAIM_SQL or RESUME_CLAIM_SQL with values computed from what was read.
 */

/**
 * Read and claim of a run that has never started, in one statement (one round trip fewer on every
 * run): it only matches a top-level PENDING run, not cancelled, of the job's wait (`$2`, or any when
 * null), whose steps are all PENDING — otherwise it changes nothing and returns no row, and the caller
 * takes the read-then-claim path. Same gate and same effects as GATED_CLAIM_SQL for such a run: seq +1
 * (+1 more when its first step is a foreground step, marked IN_PROGRESS here), attempt +1, or — team
 * full — the wait counted with its reason. Returns the run as it was before (e0.*) with its steps as
 * `steps_json`, so the caller needs no read.
 */
export const FRESH_CLAIM_SQL = `
  WITH e0 AS (
         SELECT e.* FROM executions e
          WHERE e.id = $1 AND e.status = 'PENDING' AND e.cancel_requested_at IS NULL AND e.parent_execution_id IS NULL
            AND e.slot_waits = COALESCE($2::int, e.slot_waits)
            AND NOT EXISTS (SELECT 1 FROM execution_steps s WHERE s.execution_id = e.id AND s.status <> 'PENDING')),
       g AS (SELECT t.ok, t.reason FROM e0 CROSS JOIN LATERAL ats_team_slot(e0.team_id, e0.id, $3::int, $4::int) t),
       first AS (SELECT 1 FROM execution_steps s WHERE s.execution_id = $1 AND s.step_index = 0 AND NOT s.background),
       f AS (UPDATE execution_steps SET status = 'IN_PROGRESS', request = NULL, started_at = clock_timestamp(), error = NULL
              WHERE execution_id = $1 AND step_index = 0 AND NOT background AND (SELECT ok FROM g))
  UPDATE executions x SET
         status = CASE WHEN g.ok THEN 'IN_PROGRESS' ELSE x.status END,
         started_at = CASE WHEN g.ok THEN COALESCE(x.started_at, now()) ELSE x.started_at END,
         attempt = CASE WHEN g.ok THEN x.attempt + 1 ELSE x.attempt END,
         seq = x.seq + 1 + CASE WHEN g.ok AND EXISTS (SELECT 1 FROM first) THEN 1 ELSE 0 END,
         heartbeat_at = CASE WHEN g.ok THEN now() ELSE x.heartbeat_at END,
         waiting_reason = g.reason,
         slot_waits = x.slot_waits + CASE WHEN g.ok THEN 0 ELSE 1 END
    FROM g, e0 WHERE x.id = e0.id
  RETURNING e0.*, g.ok AS claim_ok, g.reason AS claim_reason, x.attempt AS claimed_attempt, x.started_at AS claimed_started_at,
            g.ok AND EXISTS (SELECT 1 FROM first) AS first_started,
            COALESCE((SELECT json_agg(s ORDER BY s.step_index) FROM execution_steps s WHERE s.execution_id = e0.id), '[]') AS steps_json`;

/**
 * Claim of a run that has not started yet, gated by its team's concurrency limit (ats_team_slot, see
 * migration 1764250900000: team advisory lock, then a count on a fresh snapshot). Still one statement:
 * when the team is full the same UPDATE leaves the run PENDING with the reason and counts the wait
 * instead of starting it, and the first step is left alone.
 */
export const GATED_CLAIM_SQL = `
  WITH g AS (SELECT * FROM ats_team_slot($6::uuid, $1::uuid, $7::int, $8::int)),
       f AS (UPDATE execution_steps SET status = 'IN_PROGRESS', request = NULL, started_at = clock_timestamp(), error = NULL
              WHERE execution_id = $1 AND step_index = $5 AND (SELECT ok FROM g))
  UPDATE executions SET
         status = CASE WHEN g.ok THEN 'IN_PROGRESS' ELSE status END,
         started_at = CASE WHEN g.ok THEN COALESCE(started_at, now()) ELSE started_at END,
         attempt = CASE WHEN g.ok THEN $4::int ELSE attempt END,
         recoveries = $2::jsonb,
         seq = CASE WHEN g.ok THEN $3::int ELSE $9::int END,
         heartbeat_at = CASE WHEN g.ok THEN now() ELSE heartbeat_at END,
         waiting_reason = g.reason,
         slot_waits = slot_waits + CASE WHEN g.ok THEN 0 ELSE 1 END
    FROM g WHERE id = $1
  RETURNING g.ok, g.reason, attempt, started_at, slot_waits`;

/**
 * Claim of a run resumed after its worker stopped (it already holds one of its team's slots), or of a
 * sub-flow's child (it runs inside its parent's slot and worker: gating it could deadlock the parent).
 */
export const RESUME_CLAIM_SQL = `
  WITH f AS (UPDATE execution_steps SET status = 'IN_PROGRESS', request = NULL, started_at = clock_timestamp(), error = NULL
              WHERE execution_id = $1 AND step_index = $5)
  UPDATE executions SET status = 'IN_PROGRESS', started_at = COALESCE(started_at, now()), attempt = $4,
         recoveries = $2::jsonb, seq = $3, heartbeat_at = now()
   WHERE id = $1 RETURNING true AS ok, NULL::text AS reason, attempt, started_at, slot_waits`;

