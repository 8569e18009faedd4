import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { AppException } from '../common/errors/app.exception';
import { bearerTokenMatches } from './bearer-token';

/** METRICS_TOKEN, when set, is required as `Authorization: Bearer <token>` on /metrics; unset leaves it open (private networks). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.METRICS_TOKEN;
    if (!token) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization;
    if (bearerTokenMatches(header, token)) return true;
    throw AppException.unauthenticated('METRICS_TOKEN is set: send it as "Authorization: Bearer <token>"');
  }
}
