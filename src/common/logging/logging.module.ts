import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { requestLogFields } from './request-log-fields';

/** Paths pino masks in every log line: credentials in requests and anything named like a secret. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.refreshToken',
];

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A worker process serves only health and metrics over HTTP: no request-scoped log context there.
        // Binding it would enter nestjs-pino's AsyncLocalStorage on the first health probe, and on Node 20
        // that turns on a promise hook for every promise the process makes from then on — every await of
        // every run. With no routes the middleware is not bound; logging through the root logger is unchanged.
        forRoutes: config.isApi ? undefined : [],
        pinoHttp: {
          level: config.LOG_LEVEL,
          base: { mode: config.APP_MODE },
          redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
          // Honour an incoming correlation id (e.g. from a gateway) so one id follows a request across services.
          genReqId: (req, res) => {
            const incoming = req.headers['x-request-id'];
            const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
            res.setHeader('x-request-id', id);
            return id;
          },
          autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          serializers: { req: requestLogFields },
          transport: config.LOG_FORMAT === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
        },
      }),
    }),
  ],
})
export class LoggingModule {}
