import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiParam, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest, Principal, TeamContext } from './principal';
import type { TeamRole } from './roles';
import { TeamAccessGuard } from './team-access.guard';

export const TEAM_ROLE = 'ats:teamRole';

/**
 * Marks a route as acting on the team named by the `:teamId` path parameter, requiring at least
 * `role`. This is the only way a route reaches team-owned data; the handler gets a TeamContext.
 */
export function TeamScoped(role: TeamRole) {
  return applyDecorators(
    SetMetadata(TEAM_ROLE, role),
    UseGuards(TeamAccessGuard),
    ApiParam({ name: 'teamId', format: 'uuid', description: 'The team that owns the objects' }),
    ApiBearerAuth('bearer'),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({ description: 'No or invalid credentials' }),
    ApiForbiddenResponse({ description: `Your role in the team is below ${role}` }),
    ApiNotFoundResponse({ description: 'Team or object not found (also when it belongs to a team you are not in)' }),
  );
}

export const CurrentTeam = createParamDecorator((_: unknown, ctx: ExecutionContext): TeamContext => {
  const team = ctx.switchToHttp().getRequest<AuthenticatedRequest>().teamContext;
  if (!team) throw new Error('CurrentTeam used on a route without @TeamScoped');
  return team;
});

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
