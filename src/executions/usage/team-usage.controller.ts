import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TeamContext } from '../../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../../identity/tenancy/team-access.decorator';
import { TeamUsageDto } from './dto/team-usage.dto';
import { TeamUsageService } from './team-usage.service';

/**
 * Lives with executions, not teams: the numbers are mostly execution rows and the run-rate window,
 * which this module owns; it asks TeamsService for the team's limits (executions import identity,
 * never the reverse).
 */
@ApiTags('teams')
@ApiBearerAuth('bearer')
@Controller('teams/:teamId/usage')
export class TeamUsageController {
  constructor(private readonly usage: TeamUsageService) {}

  @Get()
  @TeamScoped('viewer')
  @ApiOperation({
    summary: 'The team’s usage: running and waiting runs against its concurrency limit, run starts in the rate window, stored bytes and retention',
    description: 'A snapshot; reading it counts nothing. Runs over the limit wait (PENDING with a waitingReason) and start in submission order.',
  })
  @ApiOkResponse({ type: TeamUsageDto })
  @ApiNotFoundResponse({ description: 'No such team, or not yours' })
  get(@CurrentTeam() team: TeamContext): Promise<TeamUsageDto> {
    return this.usage.usage(team.teamId);
  }
}
