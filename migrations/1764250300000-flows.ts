import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Flows (mutable header, soft-deleted) and their immutable versions. */
export class Flows1764250300000 implements MigrationInterface {
  name = 'Flows1764250300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE flows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
        name varchar(120) NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        step_types text[] NOT NULL DEFAULT '{}',
        latest_version int NOT NULL CHECK (latest_version >= 1),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    // Names are unique among live flows only, so a deleted flow's name can be reused.
    await q.query('CREATE UNIQUE INDEX flows_team_name_live_uq ON flows(team_id, name) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX flows_team_idx ON flows(team_id)');
    await q.query('CREATE INDEX flows_tags_gin ON flows USING GIN (tags)');
    await q.query('CREATE INDEX flows_step_types_gin ON flows USING GIN (step_types)');
    await q.query(`
      CREATE TABLE flow_versions (
        flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        version int NOT NULL CHECK (version >= 1),
        variables jsonb NOT NULL,
        steps jsonb NOT NULL,
        restored_from int,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flow_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS flow_versions');
    await q.query('DROP TABLE IF EXISTS flows');
  }
}
