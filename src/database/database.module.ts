import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { guardPoolErrors } from './pool-error-guard';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), autoLoadEntities: true, retryAttempts: 3 }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        guardPoolErrors(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
