import { StepError } from '../../steps/step-plugin';
import { describeSqlError, type SqlErrorContext } from './sql-errors';

const ctx = (over: Partial<SqlErrorContext> = {}): SqlErrorContext => ({
  dialect: 'postgres',
  resourceName: 'orders-db',
  readOnly: true,
  statementTimeoutMs: 5000,
  signal: new AbortController().signal,
  ...over,
});

describe('describeSqlError', () => {
  it('explains a write refused by a read-only transaction (both engines) and how to allow it', () => {
    const pg = describeSqlError({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' }, ctx());
    expect(pg.message).toBe(
      'the database refused a write on resource "orders-db": cannot execute INSERT in a read-only transaction. The resource does not allow writes, so queries run in a read-only transaction; set allowWrites on the resource to run writes',
    );
    expect(pg.details).toMatchObject({ reason: 'read-only', code: '25006' });
    const maria = describeSqlError({ errno: 1792, code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', message: 'Cannot execute statement in a READ ONLY transaction' }, ctx({ dialect: 'mysql' }));
    expect(maria.details).toMatchObject({ reason: 'read-only' });
  });

  it('names the statement timeout, but not for a cancel the step asked for', () => {
    expect(describeSqlError({ code: '57014', message: 'canceling statement due to statement timeout' }, ctx()).message).toBe(
      'query exceeded the statement timeout of 5000 ms on resource "orders-db" and was stopped by the database (statementTimeoutMs on the resource)',
    );
    expect(describeSqlError({ errno: 1969, message: 'Query execution was interrupted (max_statement_time exceeded)' }, ctx({ dialect: 'mysql' })).details).toMatchObject({ reason: 'statement-timeout' });
    expect(describeSqlError({ errno: 3024, message: 'maximum statement execution time exceeded' }, ctx({ dialect: 'mysql' })).details).toMatchObject({ reason: 'statement-timeout' });
    const controller = new AbortController();
    controller.abort(new Error('execution cancelled'));
    expect(describeSqlError({ code: '57014', message: 'canceling statement due to user request' }, ctx({ signal: controller.signal })).message).toBe(
      'query cancelled on resource "orders-db" (execution cancelled); the database was told to stop it',
    );
  });

  it('keeps the database message, position and hint of other errors', () => {
    expect(describeSqlError({ code: '42P01', message: 'relation "ordrs" does not exist', position: '15', hint: 'Did you mean "orders"?' }, ctx()).message).toBe(
      'query failed on resource "orders-db": relation "ordrs" does not exist (at character 15) — Did you mean "orders"?',
    );
  });

  it('reports connection failures as such and passes StepErrors through', () => {
    expect(describeSqlError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, ctx()).message).toBe('cannot connect to the database on resource "orders-db": connect ECONNREFUSED 127.0.0.1:1');
    const own = new StepError('parameters: x');
    expect(describeSqlError(own, ctx())).toBe(own);
  });
});
