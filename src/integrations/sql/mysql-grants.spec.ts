import { grantedMysqlRoles, parseMysqlGrant, privilegedMysqlGrants } from './mysql-grants';

// Lines as MariaDB 10.11 prints them for SHOW GRANTS (copied from the machine's server).
const ROOT = 'GRANT ALL PRIVILEGES ON *.* TO `root`@`127.0.0.1` WITH GRANT OPTION';
const PROXY = "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION";
const USAGE = "GRANT USAGE ON *.* TO `reader`@`%` IDENTIFIED BY PASSWORD '*3E37AF99C403572FF7CC53D335BE336E52569EBF'";
const ADMIN = "GRANT CONNECTION ADMIN, BINLOG ADMIN, SLAVE MONITOR ON *.* TO `probe`@`%` IDENTIFIED BY PASSWORD '*3E37AF99C403572FF7CC53D335BE336E52569EBF'";

describe('parseMysqlGrant', () => {
  it('reads privileges, the object and GRANT OPTION', () => {
    expect(parseMysqlGrant(ROOT)).toEqual({ privileges: ['ALL PRIVILEGES'], database: '*', object: '*', withGrantOption: true, roles: [] });
    expect(parseMysqlGrant('GRANT SELECT, INSERT ON `te_st`.* TO `probe`@`%` WITH GRANT OPTION')).toEqual({
      privileges: ['SELECT', 'INSERT'],
      database: 'te_st',
      object: '*',
      withGrantOption: true,
      roles: [],
    });
  });

  it('drops column lists and routine kinds, and unquotes names', () => {
    expect(parseMysqlGrant('GRANT SELECT (`id`, `total`), UPDATE (`total`) ON `test`.`t1` TO `probe`@`%`')).toMatchObject({ privileges: ['SELECT', 'UPDATE'], database: 'test', object: 't1' });
    expect(parseMysqlGrant('GRANT EXECUTE ON PROCEDURE `test`.`pp` TO `probe`@`%`')).toMatchObject({ privileges: ['EXECUTE'], database: 'test', object: 'pp' });
    expect(parseMysqlGrant('GRANT SELECT ON `we``ird db`.`on to` TO `probe`@`%`')).toMatchObject({ database: 'we`ird db', object: 'on to' });
  });

  it('reads a role grant (no ON) and ignores lines that are not grants', () => {
    expect(parseMysqlGrant('GRANT `probe_role` TO `probe`@`%`')).toEqual({ privileges: [], withGrantOption: false, roles: ['`probe_role`'] });
    expect(parseMysqlGrant('GRANT `r1`@`%`,`r2`@`%` TO `u`@`%`')?.roles).toEqual(['`r1`@`%`', '`r2`@`%`']);
    expect(parseMysqlGrant('SET DEFAULT ROLE `probe_role` FOR `probe`@`%`')).toBeUndefined();
  });
});

describe('privilegedMysqlGrants', () => {
  it('accepts an account with database-level privileges only', () => {
    expect(privilegedMysqlGrants([USAGE, 'GRANT SELECT ON `test`.* TO `reader`@`%`', 'GRANT SELECT (`id`) ON `test`.`t1` TO `reader`@`%`'])).toEqual([]);
    // Everything on one database is fine (with allowWrites that is the point); GRANT OPTION there only shares that database.
    expect(privilegedMysqlGrants(['GRANT ALL PRIVILEGES ON `orders`.* TO `qa`@`%` WITH GRANT OPTION'])).toEqual([]);
  });

  it('refuses ALL PRIVILEGES and GRANT OPTION on *.*', () => {
    expect(privilegedMysqlGrants([ROOT, PROXY])).toEqual(['has ALL PRIVILEGES on *.*', 'has GRANT OPTION on *.*', 'has PROXY (it can act as another account)']);
  });

  it('refuses FILE, SUPER and the other server-wide administrative privileges', () => {
    expect(privilegedMysqlGrants(["GRANT FILE ON *.* TO `probe`@`%` IDENTIFIED BY PASSWORD '*3E37'"])).toEqual(['has FILE on *.*']);
    expect(privilegedMysqlGrants(['GRANT SUPER ON *.* TO `probe`@`%`'])).toEqual(['has SUPER on *.*']);
    expect(privilegedMysqlGrants(['GRANT RELOAD, SHUTDOWN, PROCESS, CREATE USER ON *.* TO `probe`@`%`'])).toEqual(['has RELOAD, SHUTDOWN, PROCESS, CREATE USER on *.*']);
    expect(privilegedMysqlGrants([ADMIN])).toEqual(['has CONNECTION ADMIN, BINLOG ADMIN on *.*']);
    // MySQL 8 dynamic privileges.
    expect(privilegedMysqlGrants(['GRANT SYSTEM_VARIABLES_ADMIN,BINLOG_ADMIN ON *.* TO `u`@`%`'])).toEqual(['has SYSTEM_VARIABLES_ADMIN, BINLOG_ADMIN on *.*']);
  });

  it('refuses access to the mysql, performance_schema and sys schemas, also through *.* and wildcard patterns', () => {
    expect(privilegedMysqlGrants(['GRANT ALL PRIVILEGES ON `mysql`.* TO `probe`@`%`'])).toEqual(['has ALL PRIVILEGES on `mysql`.*, which reaches the mysql schema']);
    expect(privilegedMysqlGrants(['GRANT UPDATE ON `mysql`.`user` TO `probe`@`%`'])).toEqual(['has UPDATE on `mysql`.`user`, which reaches the mysql schema']);
    expect(privilegedMysqlGrants(['GRANT SELECT ON `%`.* TO `probe`@`%`'])).toEqual(['has SELECT on `%`.*, which reaches the mysql, performance_schema, sys schemas']);
    expect(privilegedMysqlGrants(['GRANT SELECT ON *.* TO `probe`@`%`'])).toEqual(['has SELECT on *.*, which reaches the mysql, performance_schema, sys schemas']);
    // `\_` is a literal underscore: `my\_sql` does not match mysql, `my_ql` does.
    expect(privilegedMysqlGrants(['GRANT SELECT ON `test\\_db`.* TO `probe`@`%`'])).toEqual([]);
    expect(privilegedMysqlGrants(['GRANT SELECT ON `my_ql`.* TO `probe`@`%`'])).toEqual(['has SELECT on `my_ql`.*, which reaches the mysql schema']);
  });

  it('names the role a finding came through', () => {
    expect(privilegedMysqlGrants(['GRANT `inner` TO `outer`', 'GRANT RELOAD, PROCESS, FILE ON *.* TO `outer`'], '`outer`')).toEqual(['has RELOAD, PROCESS, FILE on *.* through role `outer`']);
  });
});

describe('grantedMysqlRoles', () => {
  it('lists the roles granted to the account', () => {
    expect(grantedMysqlRoles(['GRANT `probe_role` TO `probe`@`%`', USAGE, 'GRANT `other` TO `probe`@`%` WITH ADMIN OPTION'])).toEqual(['`probe_role`', '`other`']);
  });
});
