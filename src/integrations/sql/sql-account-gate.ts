import { PrivilegedSqlAccountError } from './sql-account-privileges';

/**
 * The privileged-account check of one driver (one pool per resource version): it runs once, before
 * the pool's first statement, not per statement. A refusal is kept with the pool, so later steps fail
 * without running anything until the resource changes (new version, new pool) or the pool goes idle;
 * a check that failed for another reason (connection lost) is tried again by the next statement.
 */
export class SqlAccountGate {
  private pending?: Promise<void>;
  private refusal?: PrivilegedSqlAccountError;

  constructor(private readonly allowPrivileged: boolean) {}

  /** Throws the kept refusal, if any (before a connection is even checked out). */
  throwIfRefused(): void {
    if (this.refusal) throw this.refusal;
  }

  /** Resolves once the account has been found unprivileged (or the operator allows privileged accounts). */
  pass(check: () => Promise<void>): Promise<void> {
    if (this.allowPrivileged) return Promise.resolve();
    if (this.refusal) return Promise.reject(this.refusal);
    this.pending ??= check().catch((error: unknown) => {
      if (error instanceof PrivilegedSqlAccountError) this.refusal = error;
      else this.pending = undefined;
      throw error;
    });
    return this.pending;
  }
}
