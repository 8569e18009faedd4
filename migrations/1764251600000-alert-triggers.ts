import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound alert triggers (src/triggers): a team's trigger with its rules and sealed secret, and one row
 * per hook call with what each alert started or why not. Suite runs gain the `alert` trigger and the
 * delivery that started them (executions keep it in their `parameters`, whose trigger column has no CHECK).
 */
export class AlertTriggers1764251600000 implements MigrationInterface {
  name = 'AlertTriggers1764251600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE triggers (
        id uuid PRIMARY KEY,
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        name varchar(120) NOT NULL,
        source varchar(16) NOT NULL CHECK (source IN ('alertmanager','grafana','opsgenie','generic')),
        rules jsonb NOT NULL,
        dedup_window_sec int NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        secret_key_id varchar(64) NOT NULL,
        secret_ciphertext text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (team_id, name)
      )`);
    await q.query(`
      CREATE TABLE trigger_deliveries (
        id uuid PRIMARY KEY,
        trigger_id uuid NOT NULL REFERENCES triggers(id) ON DELETE CASCADE,
        team_id uuid NOT NULL,
        source varchar(16) NOT NULL,
        alerts_count int NOT NULL,
        outcomes jsonb NOT NULL,
        error text,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX trigger_deliveries_by_trigger ON trigger_deliveries (trigger_id, received_at DESC)');
    await q.query('ALTER TABLE suite_runs DROP CONSTRAINT suite_runs_trigger_check');
    await q.query(`ALTER TABLE suite_runs ADD CONSTRAINT suite_runs_trigger_check CHECK (trigger IN ('api','schedule','alert'))`);
    await q.query('ALTER TABLE suite_runs ADD COLUMN alert_delivery_id uuid');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE suite_runs DROP COLUMN IF EXISTS alert_delivery_id');
    await q.query(`DELETE FROM suite_runs WHERE trigger = 'alert'`);
    await q.query('ALTER TABLE suite_runs DROP CONSTRAINT suite_runs_trigger_check');
    await q.query(`ALTER TABLE suite_runs ADD CONSTRAINT suite_runs_trigger_check CHECK (trigger IN ('api','schedule'))`);
    await q.query('DROP TABLE IF EXISTS trigger_deliveries');
    await q.query('DROP TABLE IF EXISTS triggers');
  }
}
