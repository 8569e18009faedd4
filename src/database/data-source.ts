// Entry point for the TypeORM CLI (`typeorm migration:generate -d dist/src/database/data-source.js`).
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

export default new DataSource({ ...dataSourceOptions(loadConfig()), entities: [__dirname + '/../**/*.entity.js'] });
