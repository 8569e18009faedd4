import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** What starting a child execution needs to know of its parent. */
export interface ParentLineage {
  teamId: string;
  userId: string | null;
  seq: number;
  parentExecutionId: string | null;
  /** How many executions are above the parent (0 for a top-level run). */
  depth: number;
  /** The parent's step of the given name. */
  step: { stepIndex: number; stepId: string; name: string } | null;
}

/** Deep enough to see any chain the nesting limit allows, bounded so a corrupt chain cannot loop. */
const MAX_WALK = 50;

/**
 * The queries behind sub-flows (a `flow` step starting a child execution): the parent's chain of
 * ancestors (the run-time depth check), and clearing up the children of an earlier attempt of a step.
 */
@Injectable()
export class ExecutionLineageStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async parentOf(executionId: string, stepName: string): Promise<ParentLineage | undefined> {
    const [row] = (await this.db.query(
      `WITH RECURSIVE chain AS (
         SELECT id, parent_execution_id, 0 AS depth FROM executions WHERE id = $1
         UNION ALL
         SELECT e.id, e.parent_execution_id, c.depth + 1 FROM executions e JOIN chain c ON e.id = c.parent_execution_id WHERE c.depth < $3)
       SELECT p.team_id, p.user_id, p.seq, p.parent_execution_id, (SELECT max(depth) FROM chain) AS depth,
              s.step_index, s.step_id, s.name AS step_name
         FROM executions p LEFT JOIN execution_steps s ON s.execution_id = p.id AND s.name = $2
        WHERE p.id = $1`,
      [executionId, stepName, MAX_WALK],
    )) as Array<Record<string, unknown>>;
    if (!row) return undefined;
    return {
      teamId: row.team_id as string,
      userId: row.user_id as string | null,
      seq: Number(row.seq),
      parentExecutionId: row.parent_execution_id as string | null,
      depth: Number(row.depth),
      step: row.step_index === null ? null : { stepIndex: Number(row.step_index), stepId: row.step_id as string, name: row.step_name as string },
    };
  }

  /**
   * Ends the unfinished children (and their descendants) of an earlier attempt of a parent's step.
   * Only a parent resumed after its worker died re-runs a `flow` step whose child never finished; that
   * child's worker is gone, and the step starts a fresh child, so the old one is closed as FAILED
   * rather than left IN_PROGRESS (the reconciler does not resume children: their parent does).
   */
  async abandonChildren(parentExecutionId: string, stepIndex: number, reason: string): Promise<void> {
    await this.db.query(
      `WITH RECURSIVE stale AS (
         SELECT id FROM executions WHERE parent_execution_id = $1 AND parent_step_index = $2 AND status IN ('PENDING', 'IN_PROGRESS')
         UNION
         SELECT e.id FROM executions e JOIN stale s ON e.parent_execution_id = s.id WHERE e.status IN ('PENDING', 'IN_PROGRESS')),
       steps AS (UPDATE execution_steps SET status = 'SKIPPED', finished_at = COALESCE(finished_at, now())
                  WHERE execution_id IN (SELECT id FROM stale) AND status IN ('PENDING', 'IN_PROGRESS'))
       UPDATE executions SET status = 'FAILED', error = $3, finished_at = now() WHERE id IN (SELECT id FROM stale)`,
      [parentExecutionId, stepIndex, reason],
    );
  }
}
