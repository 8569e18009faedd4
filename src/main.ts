import 'reflect-metadata';
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
  await app.listen(config.PORT, '0.0.0.0');
  const url = await app.getUrl();
  console.log(`Async Testing Service (${config.APP_MODE}) listening on ${url}${config.isApi ? ` — Swagger UI at ${url}/docs` : ''}`);
  // A second signal while draining means "now": skip the graceful path.
  process.once('SIGTERM', () => process.once('SIGTERM', () => process.exit(1)));
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error);
  process.exit(1);
});
