import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Team-scoped resources (connection configs); secrets live AES-GCM-encrypted in one column. */
export class Resources1764250200000 implements MigrationInterface {
  name = 'Resources1764250200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE resources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        team_id uuid NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
        name varchar(120) NOT NULL,
        type varchar(40) NOT NULL,
        description varchar(1000),
        labels jsonb NOT NULL DEFAULT '{}',
        "group" varchar(120),
        namespace varchar(120),
        config jsonb NOT NULL,
        secrets_ciphertext text,
        secrets_key_id varchar(64),
        secret_paths text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT resources_team_name_unique UNIQUE (team_id, name),
        CONSTRAINT resources_secrets_key_check CHECK ((secrets_ciphertext IS NULL) = (secrets_key_id IS NULL))
      )`);
    // UNIQUE (team_id, name) already leads with team_id; this plain index keeps team lookups cheap
    // even if that constraint changes.
    await q.query('CREATE INDEX resources_team_idx ON resources(team_id)');
    await q.query('CREATE INDEX resources_labels_idx ON resources USING gin (labels jsonb_path_ops)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS resources');
  }
}
