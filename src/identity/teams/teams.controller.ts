import { Body, Controller, Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal, TeamContext } from '../tenancy/principal';
import { CurrentPrincipal, CurrentTeam, TeamScoped } from '../tenancy/team-access.decorator';
import { TeamDto, UpdateTeamDto } from './dto/team.dto';
import { TeamsService } from './teams.service';
import { TenancyService } from '../tenancy/tenancy.service';

@ApiTags('teams')
@ApiBearerAuth('bearer')
@Controller('teams')
export class TeamsController {
  constructor(
    private readonly teams: TeamsService,
    private readonly tenancy: TenancyService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Teams you can act on (memberships, and every team of orgs you own or administer); for an API key, its own team',
    description: 'An API key answers with its one team, so a client holding only a key (the ats CLI in CI) can find the team id.',
  })
  @ApiOkResponse({ type: [TeamDto] })
  async list(@CurrentPrincipal() p: Principal): Promise<TeamDto[]> {
    if (p.kind === 'apiKey') return [await this.teams.get(await this.tenancy.resolveTeam(p, p.teamId, 'viewer'))];
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
  @ApiOperation({ summary: 'Rename the team, and (org owners and admins only) set its retention override (executionRetentionDays) and concurrency limit (maxConcurrentExecutions)' })
  @ApiOkResponse({ type: TeamDto })
  update(@CurrentTeam() team: TeamContext, @Body() dto: UpdateTeamDto): Promise<TeamDto> {
    return this.teams.update(team, dto);
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
