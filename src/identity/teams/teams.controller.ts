import { Body, Controller, Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../../common/errors/app.exception';
import type { Principal, TeamContext } from '../tenancy/principal';
import { CurrentPrincipal, CurrentTeam, TeamScoped } from '../tenancy/team-access.decorator';
import { TeamDto, UpdateTeamDto } from './dto/team.dto';
import { TeamsService } from './teams.service';

@ApiTags('teams')
@ApiBearerAuth('bearer')
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @ApiOperation({ summary: 'Teams you can act on (memberships, and every team of orgs you own or administer)' })
  @ApiOkResponse({ type: [TeamDto] })
  list(@CurrentPrincipal() p: Principal): Promise<TeamDto[]> {
    if (p.kind !== 'user') throw AppException.forbidden('API keys act for their own team only; use GET /teams/{teamId}');
    return this.teams.listMine(p.userId);
  }

  @Get(':teamId')
  @TeamScoped('viewer')
  @ApiOkResponse({ type: TeamDto })
  get(@CurrentTeam() team: TeamContext): Promise<TeamDto> {
    return this.teams.get(team);
  }

  @Patch(':teamId')
  @TeamScoped('admin')
  @ApiOperation({ summary: "Rename the team, or (org owner/admin) set its concurrency limit" })
  @ApiOkResponse({ type: TeamDto })
  async update(@CurrentTeam() team: TeamContext, @Body() dto: UpdateTeamDto): Promise<TeamDto> {
    if (dto.maxConcurrentExecutions !== undefined) await this.teams.setConcurrencyLimit(team, dto.maxConcurrentExecutions);
    return dto.name !== undefined ? this.teams.rename(team, dto.name) : this.teams.get(team);
  }

  @Delete(':teamId')
  @TeamScoped('owner')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the team; refused with 409 while it still owns flows, resources, suites or executions' })
  @ApiNoContentResponse()
  delete(@CurrentTeam() team: TeamContext): Promise<void> {
    return this.teams.delete(team);
  }
}
