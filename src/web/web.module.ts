import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { createSpaHandler } from './spa-handler';
import { WebAssets } from './web-assets';

/**
 * Serves the web UI (web/dist) from the API process at `/`, same origin as the API (modes api and all).
 * The handler is added in onModuleInit, which Nest runs after it has registered every controller route
 * and before its 404 handler: API routes always win, and unknown API paths still get the JSON 404.
 */
@Module({})
export class WebModule implements OnModuleInit {
  private readonly logger = new Logger('WebModule');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const root = resolve(this.config.WEB_DIST_DIR);
    const assets = WebAssets.load(root);
    if (!assets) {
      this.logger.warn(`Web UI not served: ${root}/index.html is missing (run "npm run build"); the API works without it`);
      return;
    }
    this.adapterHost.httpAdapter.use(createSpaHandler(assets));
    this.logger.log(`Web UI served at / from ${root}`);
  }
}
