import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '../../common/errors/app.exception';
import type { AuthenticatedRequest } from './principal';
import type { TeamRole } from './roles';
import { TenancyService } from './tenancy.service';

@Injectable()
export class TeamAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenancy: TenancyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const required = this.reflector.getAllAndOverride<TeamRole>('ats:teamRole', [context.getHandler(), context.getClass()]);
    if (!request.principal) throw AppException.unauthenticated();
    request.teamContext = await this.tenancy.resolveTeam(request.principal, request.params.teamId ?? '', required ?? 'viewer');
    return true;
  }
}
