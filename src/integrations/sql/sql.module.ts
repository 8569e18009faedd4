import { Module } from '@nestjs/common';
import { ResourcesModule } from '../../resources/resources.module';
import { SqlConnectionTester } from './sql-connection.tester';
import { SqlStep } from './sql.step';

@Module({ imports: [ResourcesModule], providers: [SqlConnectionTester, SqlStep] })
export class SqlIntegrationModule {}
