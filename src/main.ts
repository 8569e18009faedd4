import 'reflect-metadata';
import { listeningUrl } from './common/http/listening-url';
import { createApp } from './create-app';
import { ConfigValidationError, loadConfig } from './config/load-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const url = listeningUrl(app.getHttpServer().address());
  console.log(`Async Testing Service (${config.APP_MODE}) listening on ${url}${config.isApi ? ` — Swagger UI at ${url}/docs` : ''}`);
  // SIGTERM/SIGINT run Nest's shutdown hooks (enableShutdownHooks): workers drain, connections close,
  // then Nest re-raises the signal so the process ends the conventional way.
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error);
  process.exit(1);
});
