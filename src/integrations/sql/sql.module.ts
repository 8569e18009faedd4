import { Module } from '@nestjs/common';
import { SqlConnectionTester } from './sql-connection.tester';
import { SqlStep } from './sql.step';

@Module({ providers: [SqlConnectionTester, SqlStep] })
export class SqlIntegrationModule {}
