import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Test suites, their runs (one execution per entry), webhooks and webhook delivery attempts. */
export class Suites1764250500000 implements MigrationInterface {
  name = 'Suites1764250500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
        name varchar(120) NOT NULL,
        description text NOT NULL DEFAULT '',
        entries jsonb NOT NULL,
        variables jsonb NOT NULL DEFAULT '[]',
        mode varchar(16) NOT NULL CHECK (mode IN ('parallel','sequential')),
        fail_fast boolean NOT NULL DEFAULT false,
        max_parallel int NOT NULL DEFAULT 5 CHECK (max_parallel BETWEEN 1 AND 100),
        enabled boolean NOT NULL DEFAULT true,
        tags text[] NOT NULL DEFAULT '{}',
        schedule_cron varchar(120),
        schedule_timezone varchar(64),
        schedule_enabled boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT suites_team_name_uq UNIQUE (team_id, name)
      )`);
    await q.query('CREATE INDEX suites_tags_gin ON suites USING GIN (tags)');

    await q.query(`
      CREATE TABLE suite_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
        suite_id uuid NOT NULL REFERENCES suites(id) ON DELETE CASCADE,
        suite_name varchar(120) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('IN_PROGRESS','COMPLETED','FAILED','CANCELLED')),
        trigger varchar(16) NOT NULL CHECK (trigger IN ('api','schedule')),
        -- The scheduler job id (one per tick): a tick delivered twice still starts one run.
        trigger_key varchar(200) UNIQUE,
        scheduled_for timestamptz,
        mode varchar(16) NOT NULL,
        fail_fast boolean NOT NULL,
        max_parallel int NOT NULL,
        total int NOT NULL,
        passed int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        cancelled int NOT NULL DEFAULT 0,
        pending int NOT NULL DEFAULT 0,
        running int NOT NULL DEFAULT 0,
        seq int NOT NULL DEFAULT 0,
        stop_reason text,
        previous_status varchar(16),
        cancel_requested_at timestamptz,
        notified_at timestamptz,
        user_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query('CREATE INDEX suite_runs_team_created_idx ON suite_runs(team_id, created_at DESC)');
    await q.query('CREATE INDEX suite_runs_suite_created_idx ON suite_runs(suite_id, created_at DESC)');
    await q.query(`CREATE INDEX suite_runs_active_idx ON suite_runs(created_at) WHERE status = 'IN_PROGRESS'`);
    await q.query('CREATE INDEX suite_runs_unnotified_idx ON suite_runs(finished_at) WHERE notified_at IS NULL AND finished_at IS NOT NULL');

    await q.query(`
      CREATE TABLE suite_run_items (
        suite_run_id uuid NOT NULL REFERENCES suite_runs(id) ON DELETE CASCADE,
        position int NOT NULL,
        execution_id uuid NOT NULL UNIQUE,
        flow_id uuid NOT NULL,
        flow_version int NOT NULL,
        flow_name varchar(200) NOT NULL,
        -- Set when the execution was handed to the queue; items are queued in position order as slots free up.
        dispatched_at timestamptz,
        -- The terminal status last announced on the live channel, so each finish is announced once.
        reported_status varchar(16),
        PRIMARY KEY (suite_run_id, position)
      )`);

    await q.query(`
      CREATE TABLE suite_webhooks (
        id uuid PRIMARY KEY,
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
        suite_id uuid NOT NULL REFERENCES suites(id) ON DELETE CASCADE,
        name varchar(120) NOT NULL,
        url text NOT NULL,
        notify_on varchar(16) NOT NULL CHECK (notify_on IN ('always','on-failure','on-change')),
        format varchar(8) NOT NULL CHECK (format IN ('json','slack')),
        secret_key_id varchar(64) NOT NULL,
        secret_ciphertext text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX suite_webhooks_suite_idx ON suite_webhooks(suite_id)');

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
        webhook_id uuid NOT NULL REFERENCES suite_webhooks(id) ON DELETE CASCADE,
        suite_run_id uuid NOT NULL REFERENCES suite_runs(id) ON DELETE CASCADE,
        delivery_id varchar(200) NOT NULL,
        attempt int NOT NULL,
        outcome varchar(16) NOT NULL CHECK (outcome IN ('delivered','failed')),
        http_status int,
        error text,
        duration_ms int NOT NULL,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries(webhook_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS webhook_deliveries');
    await q.query('DROP TABLE IF EXISTS suite_webhooks');
    await q.query('DROP TABLE IF EXISTS suite_run_items');
    await q.query('DROP TABLE IF EXISTS suite_runs');
    await q.query('DROP TABLE IF EXISTS suites');
  }
}
