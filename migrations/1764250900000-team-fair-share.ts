import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One team cannot starve the others (issue #15): a team runs at most its limit of executions at once,
 * counted across every worker; runs over the limit wait (PENDING with a reason) without holding a
 * worker slot, and are promoted oldest first as the team's runs finish.
 *
 * The gate is two plpgsql functions rather than plain SQL because the count must be taken AFTER the
 * team's advisory lock is granted: a single statement reads from the snapshot taken when it started,
 * so a run claimed by another worker while this one waited for the lock would be missed. Inside a
 * VOLATILE plpgsql function every query takes a fresh snapshot (READ COMMITTED), so the count sees
 * every claim and finish committed before the lock was granted. The lock is transaction-scoped: it is
 * held until the calling statement (the claim or the finish) commits its own change. Claims take it
 * exclusively; finishes take it shared (they only ask whether anyone waits), so finishing runs do not
 * queue behind each other.
 */
export class TeamFairShare1764250900000 implements MigrationInterface {
  name = 'TeamFairShare1764250900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE teams ADD COLUMN max_concurrent_executions int');
    await q.query('ALTER TABLE executions ADD COLUMN waiting_reason text');
    // Bumped each time the run finds its team full; part of the job id of its next promotion.
    await q.query('ALTER TABLE executions ADD COLUMN slot_waits int NOT NULL DEFAULT 0');
    await q.query(`CREATE INDEX executions_team_running_idx ON executions (team_id) WHERE status = 'IN_PROGRESS'`);
    await q.query(`CREATE INDEX executions_team_waiting_idx ON executions (team_id, created_at, id) WHERE status = 'PENDING' AND waiting_reason IS NOT NULL`);

    // Whether `execution` may start now: fewer than the limit running, counting the team's older
    // waiting runs as ahead of it (runs start in submission order). `reason` says why not.
    await q.query(`
      CREATE FUNCTION ats_team_slot(team uuid, execution uuid, default_limit int, ceiling int)
        RETURNS TABLE (ok boolean, reason text) LANGUAGE plpgsql VOLATILE AS $$
      DECLARE lim int; running int; ahead int; created timestamptz;
      BEGIN
        -- Claims of one team are serialised by the lock, which is held until commit: the claim's commit
        -- does not wait for the WAL flush, so the next claim is not held up by the disk. A claim lost in a
        -- Postgres crash is re-derived (the run's job resumes it; a later commit flushes it anyway).
        PERFORM set_config('synchronous_commit', 'off', true);
        PERFORM pg_advisory_xact_lock(hashtextextended('ats-team-executions:' || team::text, 0));
        -- LEAST ignores NULLs, so the team's own limit is capped only when it is set.
        SELECT CASE WHEN t.max_concurrent_executions IS NULL THEN default_limit ELSE LEAST(t.max_concurrent_executions, ceiling) END INTO lim FROM teams t WHERE t.id = team;
        SELECT e.created_at INTO created FROM executions e WHERE e.id = execution;
        SELECT count(*) INTO running FROM executions e WHERE e.team_id = team AND e.status = 'IN_PROGRESS' AND e.id <> execution;
        SELECT count(*) INTO ahead FROM executions e
         WHERE e.team_id = team AND e.status = 'PENDING' AND e.waiting_reason IS NOT NULL AND e.cancel_requested_at IS NULL
           AND (e.created_at, e.id) < (created, execution);
        ok := running + ahead < lim;
        reason := CASE WHEN ok THEN NULL
                       WHEN ahead = 0 THEN format('waiting: team at its concurrency limit %s/%s', running, lim)
                       ELSE format('waiting: team at its concurrency limit %s/%s, %s earlier run(s) of the team start first', running, lim, ahead) END;
        RETURN NEXT;
      END $$`);

    // Whether the team has runs waiting for a slot; asked by every finish. The shared lock makes this
    // check exclusive with claims (not with other finishes): either the finish committed before a
    // claim counted, or this check sees the run that claim left waiting — and the finishing worker
    // then promotes with ats_team_promotions below. No promotion can be lost between the two.
    await q.query(`
      CREATE FUNCTION ats_team_has_waiting(team uuid) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(hashtextextended('ats-team-executions:' || team::text, 0));
        RETURN EXISTS (SELECT 1 FROM executions e
                        WHERE e.team_id = team AND e.status = 'PENDING' AND e.waiting_reason IS NOT NULL AND e.cancel_requested_at IS NULL);
      END $$`);

    // The waiting runs that may start now, oldest first (as many as the team has free slots), with the
    // wait count that names their promotion job.
    await q.query(`
      CREATE FUNCTION ats_team_promotions(team uuid, default_limit int, ceiling int)
        RETURNS TABLE (id uuid, slot_waits int) LANGUAGE plpgsql VOLATILE AS $$
      DECLARE lim int; running int;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('ats-team-executions:' || team::text, 0));
        -- LEAST ignores NULLs, so the team's own limit is capped only when it is set.
        SELECT CASE WHEN t.max_concurrent_executions IS NULL THEN default_limit ELSE LEAST(t.max_concurrent_executions, ceiling) END INTO lim FROM teams t WHERE t.id = team;
        SELECT count(*) INTO running FROM executions e WHERE e.team_id = team AND e.status = 'IN_PROGRESS';
        RETURN QUERY SELECT e.id, e.slot_waits FROM executions e
          WHERE e.team_id = team AND e.status = 'PENDING' AND e.waiting_reason IS NOT NULL AND e.cancel_requested_at IS NULL
          ORDER BY e.created_at, e.id LIMIT GREATEST(lim - running, 0);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS ats_team_promotions(uuid, int, int)');
    await q.query('DROP FUNCTION IF EXISTS ats_team_has_waiting(uuid)');
    await q.query('DROP FUNCTION IF EXISTS ats_team_slot(uuid, uuid, int, int)');
    await q.query('DROP INDEX IF EXISTS executions_team_waiting_idx');
    await q.query('DROP INDEX IF EXISTS executions_team_running_idx');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS slot_waits');
    await q.query('ALTER TABLE executions DROP COLUMN IF EXISTS waiting_reason');
    await q.query('ALTER TABLE teams DROP COLUMN IF EXISTS max_concurrent_executions');
  }
}
