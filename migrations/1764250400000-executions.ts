import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Executions (one run of a pinned flow version) and their step records. */
export class Executions1764250400000 implements MigrationInterface {
  name = 'Executions1764250400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE executions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
        flow_id uuid NOT NULL,
        flow_version int NOT NULL,
        flow_name varchar(200) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('PENDING','IN_PROGRESS','COMPLETED','FAILED','CANCELLED')),
        trigger varchar(16) NOT NULL DEFAULT 'api',
        suite_run_id uuid,
        user_id uuid,
        variables jsonb NOT NULL DEFAULT '{}',
        parameters jsonb NOT NULL DEFAULT '{}',
        error text,
        attempt int NOT NULL DEFAULT 0,
        recoveries jsonb NOT NULL DEFAULT '[]',
        seq int NOT NULL DEFAULT 0,
        cancel_requested_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query('CREATE INDEX executions_team_created_idx ON executions(team_id, created_at DESC)');
    await q.query('CREATE INDEX executions_team_flow_idx ON executions(team_id, flow_id, created_at DESC)');
    await q.query('CREATE INDEX executions_suite_run_idx ON executions(suite_run_id) WHERE suite_run_id IS NOT NULL');
    await q.query(`
      CREATE TABLE execution_steps (
        execution_id uuid NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
        step_index int NOT NULL,
        step_id varchar(64) NOT NULL,
        name varchar(64) NOT NULL,
        type varchar(40) NOT NULL,
        background boolean NOT NULL DEFAULT false,
        status varchar(16) NOT NULL CHECK (status IN ('PENDING','IN_PROGRESS','SUCCESS','ERROR','SKIPPED','CANCELLED')),
        request jsonb,
        response jsonb,
        assertions jsonb NOT NULL DEFAULT '[]',
        attempts int NOT NULL DEFAULT 0,
        error text,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms int,
        PRIMARY KEY (execution_id, step_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS execution_steps');
    await q.query('DROP TABLE IF EXISTS executions');
  }
}
