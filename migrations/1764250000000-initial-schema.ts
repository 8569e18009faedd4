import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Extensions every later table relies on. */
export class InitialSchema1764250000000 implements MigrationInterface {
  name = 'InitialSchema1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS citext');
  }

  async down(): Promise<void> {
    // Extensions may be shared with other schemas in the same database; leave them.
  }
}
