import type { NextFunction, Request, Response } from 'express';
import type { AtsMetrics } from './ats-metrics';

/**
 * Label for requests no route matched (404s, the web UI's files) or only a catch-all did (the JSON 404
 * under /api/v1): raw paths would make a series per URL.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every HTTP request and labels it with the route TEMPLATE Express matched
 * (`/api/v1/teams/:teamId/flows/:id`), read when the response is finished — by then routing has run,
 * including requests a guard or the exception filter answered. Installed before any route.
 */
export function httpMetricsMiddleware(metrics: AtsMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      end({ method: req.method, route: routeTemplate(req), status: String(res.statusCode) });
    });
    next();
  };
}

function routeTemplate(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' && !path.includes('*') ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}
