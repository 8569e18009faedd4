import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';

/** A lost execution as re-read before it is re-queued (PENDING rows also carry what sets their delay). */
export interface LostExecutionRow {
  id: string;
  team_id: string;
  /** Names the execution's current job (executionJobId): a run started by a promotion has its own. */
  slot_waits?: number;
  parameters?: Record<string, unknown> | null;
  age_ms?: number;
}

/** Where a walk of PENDING executions in (created_at, id) order continues; created_at as Postgres prints it (microseconds kept). */
export interface PendingCursor {
  createdAt: string;
  id: string;
}

// Children (parent_execution_id set) are left to their parent, which re-runs its `flow` step on resume.
const STALE_RUNNING = `status = 'IN_PROGRESS' AND parent_execution_id IS NULL AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $1::double precision / 1000))`;

/**
 * The queries behind execution recovery (the engine's reconciler and worker heartbeat), kept with the
 * executions they read and stamp so that no other module touches these tables.
 */
@Injectable()
export class ExecutionRecoveryStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** PENDING single runs older than the grace period, in (created_at, id) order after the cursor. */
  pendingCandidates(graceMs: number, cursor: PendingCursor, limit: number): Promise<Array<{ id: string; created_at: string }>> {
    return this.db.query(
      `SELECT id, created_at::text AS created_at
         FROM executions
        WHERE status = 'PENDING' AND suite_run_id IS NULL AND parent_execution_id IS NULL AND cancel_requested_at IS NULL AND waiting_reason IS NULL
          AND created_at < now() - make_interval(secs => $1::double precision / 1000)
          AND (created_at, id) > ($2::timestamptz, $3::uuid)
        ORDER BY created_at, id
        LIMIT $4`,
      [graceMs, cursor.createdAt, cursor.id, limit],
    );
  }

  /** Those of `ids` still PENDING, uncancelled single runs, with their age and parameters. */
  pendingStillLost(ids: string[]): Promise<LostExecutionRow[]> {
    return this.db.query(
      `SELECT id, team_id, parameters, (extract(epoch FROM now() - created_at) * 1000)::double precision AS age_ms
         FROM executions
        WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND suite_run_id IS NULL AND parent_execution_id IS NULL AND cancel_requested_at IS NULL AND waiting_reason IS NULL`,
      [ids],
    );
  }

  /** IN_PROGRESS executions whose heartbeat is older than `staleMs` (or missing), stalest first. */
  staleRunning(staleMs: number, limit: number): Promise<Array<{ id: string; slot_waits: number }>> {
    return this.db.query(`SELECT id, slot_waits FROM executions WHERE ${STALE_RUNNING} ORDER BY heartbeat_at NULLS FIRST LIMIT $2`, [staleMs, limit]);
  }

  /** Those of `ids` still IN_PROGRESS with a stale heartbeat. */
  staleStillLost(staleMs: number, ids: string[]): Promise<LostExecutionRow[]> {
    return this.db.query(`SELECT id, team_id, slot_waits FROM executions WHERE id = ANY($2::uuid[]) AND ${STALE_RUNNING}`, [staleMs, ids]);
  }

  /**
   * Waiting runs (team at its limit) that may start now, per team, oldest first — what finishing runs
   * promote; re-done by the reconciler so that a promotion lost with Redis or a crash never strands a run.
   */
  promotableWaiting(defaultLimit: number, ceiling: number): Promise<Array<{ team_id: string; id: string; slot_waits: number }>> {
    return this.db.query(
      `SELECT w.team_id, p.id, p.slot_waits
         FROM (SELECT DISTINCT team_id FROM executions WHERE status = 'PENDING' AND waiting_reason IS NOT NULL AND cancel_requested_at IS NULL) w,
              LATERAL ats_team_promotions(w.team_id, $1, $2) p`,
      [defaultLimit, ceiling],
    );
  }

  /** One heartbeat for every execution a worker is running. */
  async stampHeartbeat(ids: string[]): Promise<void> {
    await preparedQuery(this.db, 'execution-heartbeat', `UPDATE executions SET heartbeat_at = now() WHERE id = ANY($1::uuid[]) AND status = 'IN_PROGRESS'`, [ids]);
  }
}
