import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { TeamContext } from '../../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../../identity/tenancy/team-access.decorator';
import { FlakiestStepsDto, FlowStatsDto } from './dto/flow-stats.dto';
import { FlakiestStepsQuery, StatsWindowQuery } from './dto/stats-queries.dto';
import { ExecutionStatsService } from './execution-stats.service';

const BAD_WINDOW = { description: '`from`/`to` not ISO 8601, `to` not after `from`, or a window longer than 366 days (`details.problems[].field` names it)' };

/**
 * Flakiness analytics. `flows/{id}/stats` lives here, not in the flows module: the numbers are
 * aggregates of execution rows, which only this module reads; it asks FlowsService whether the flow is
 * the team's (flows never import executions, so there is no cycle).
 */
@ApiTags('stats')
@Controller('teams/:teamId')
export class ExecutionStatsController {
  constructor(private readonly stats: ExecutionStatsService) {}

  @Get('flows/:flowId/stats')
  @TeamScoped('viewer')
  @ApiParam({ name: 'flowId', format: 'uuid' })
  @ApiOperation({
    summary: 'A flow’s pass rate, durations, per-step failure rate, retries and time to consistency, with a daily series',
    description: 'Over the executions created in [from, to). A flow is flaky when one version both passed and failed in the window.',
  })
  @ApiOkResponse({ type: FlowStatsDto })
  @ApiBadRequestResponse(BAD_WINDOW)
  @ApiNotFoundResponse({ description: 'No such flow in this team' })
  flowStats(@CurrentTeam() team: TeamContext, @Param('flowId') flowId: string, @Query() query: StatsWindowQuery): Promise<FlowStatsDto> {
    return this.stats.flowStats(team.teamId, flowId, query);
  }

  @Get('stats/steps')
  @TeamScoped('viewer')
  @ApiOperation({
    summary: 'The team’s flakiest steps across flows',
    description:
      'Steps with at least `minRuns` runs and one failure in [from, to): those that both passed and failed on the same flow version first, then by flakiness (2·min(passed, failed)/runs), failure rate and runs.',
  })
  @ApiOkResponse({ type: FlakiestStepsDto })
  @ApiBadRequestResponse(BAD_WINDOW)
  flakiestSteps(@CurrentTeam() team: TeamContext, @Query() query: FlakiestStepsQuery): Promise<FlakiestStepsDto> {
    return this.stats.flakiestSteps(team.teamId, query);
  }
}
