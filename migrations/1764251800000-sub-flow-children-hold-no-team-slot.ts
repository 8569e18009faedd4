import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sub-flow's child execution runs inside its parent's worker slot (engine/sub-flows): it must not
 * count against its team's concurrency limit a second time. The team gate (migration 1764250900000)
 * predates the parent link (1764251200000), so its two counting functions are replaced here with the
 * same bodies, counting top-level runs only.
 */
export class SubFlowChildrenHoldNoTeamSlot1764251800000 implements MigrationInterface {
  name = 'SubFlowChildrenHoldNoTeamSlot1764251800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ats_team_slot(team uuid, execution uuid, default_limit int, ceiling int)
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
        SELECT count(*) INTO running FROM executions e WHERE e.team_id = team AND e.status = 'IN_PROGRESS' AND e.parent_execution_id IS NULL AND e.id <> execution;
        SELECT count(*) INTO ahead FROM executions e
         WHERE e.team_id = team AND e.status = 'PENDING' AND e.waiting_reason IS NOT NULL AND e.cancel_requested_at IS NULL
           AND (e.created_at, e.id) < (created, execution);
        ok := running + ahead < lim;
        reason := CASE WHEN ok THEN NULL
                       WHEN ahead = 0 THEN format('waiting: team at its concurrency limit %s/%s', running, lim)
                       ELSE format('waiting: team at its concurrency limit %s/%s, %s earlier run(s) of the team start first', running, lim, ahead) END;
        RETURN NEXT;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION ats_team_promotions(team uuid, default_limit int, ceiling int)
        RETURNS TABLE (id uuid, slot_waits int) LANGUAGE plpgsql VOLATILE AS $$
      DECLARE lim int; running int;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('ats-team-executions:' || team::text, 0));
        -- LEAST ignores NULLs, so the team's own limit is capped only when it is set.
        SELECT CASE WHEN t.max_concurrent_executions IS NULL THEN default_limit ELSE LEAST(t.max_concurrent_executions, ceiling) END INTO lim FROM teams t WHERE t.id = team;
        SELECT count(*) INTO running FROM executions e WHERE e.team_id = team AND e.status = 'IN_PROGRESS' AND e.parent_execution_id IS NULL;
        RETURN QUERY SELECT e.id, e.slot_waits FROM executions e
          WHERE e.team_id = team AND e.status = 'PENDING' AND e.waiting_reason IS NOT NULL AND e.cancel_requested_at IS NULL
          ORDER BY e.created_at, e.id LIMIT GREATEST(lim - running, 0);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ats_team_slot(team uuid, execution uuid, default_limit int, ceiling int)
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
    await q.query(`
      CREATE OR REPLACE FUNCTION ats_team_promotions(team uuid, default_limit int, ceiling int)
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
}
