import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { TeamRunRateLimiter } from '../executions/team-run-rate-limiter';
import type { TeamContext } from '../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../identity/tenancy/team-access.decorator';
import { EXAMPLE_SCHEDULE, EXAMPLE_SEQUENTIAL_SUITE, EXAMPLE_SUITE } from './dto/suite-examples';
import { RunSuiteDto, RunSuiteQuery, SuiteRunDto } from './dto/suite-run.dto';
import { CreateSuiteDto, ListSuitesQuery, ScheduleViewDto, SuiteDto, SuitePageDto, UpdateSuiteDto } from './dto/suite.dto';
import { SuiteRunWaiter } from './live/suite-run-waiter';
import { SuiteRunsService } from './runs/suite-runs.service';
import type { SuiteRunView } from './runs/suite-run-view';
import { ScheduleDto } from './schedules/schedule.dto';
import type { ScheduleView } from './schedules/suite-schedules.service';
import { SuitesService } from './suites.service';
import type { SuiteView } from './suite-view';

const SUITE_ID = { name: 'suiteId', format: 'uuid' } as const;
const INVALID = { description: 'Invalid input; `details.problems[]` names each field, e.g. `entries.2.variables` or `entries.0.flowId`' };

@ApiTags('suites')
@Controller('teams/:teamId/suites')
export class SuitesController {
  constructor(
    private readonly suites: SuitesService,
    private readonly runs: SuiteRunsService,
    private readonly waiter: SuiteRunWaiter,
    private readonly rateLimiter: TeamRunRateLimiter,
  ) {}

  @Get()
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'List suites by name (filter: name substring, tag), paginated' })
  @ApiOkResponse({ type: SuitePageDto })
  list(@CurrentTeam() team: TeamContext, @Query() query: ListSuitesQuery) {
    return this.suites.list(team.teamId, query);
  }

  @Post()
  @TeamScoped('editor')
  @ApiOperation({ summary: "Create a suite; every entry's flow must exist in the team and get its required variables" })
  @ApiBody({ type: CreateSuiteDto, examples: { parallel: { summary: 'Parallel, 4 at a time', value: EXAMPLE_SUITE }, sequential: { summary: 'Sequential with fail-fast', value: EXAMPLE_SEQUENTIAL_SUITE } } })
  @ApiCreatedResponse({ type: SuiteDto })
  @ApiBadRequestResponse(INVALID)
  @ApiConflictResponse({ description: 'A suite with this name exists in the team' })
  create(@CurrentTeam() team: TeamContext, @Body() dto: CreateSuiteDto): Promise<SuiteView> {
    return this.suites.create(team, dto);
  }

  @Get(':suiteId')
  @TeamScoped('viewer')
  @ApiParam(SUITE_ID)
  @ApiOperation({ summary: 'A suite with its entries, variables and schedule (next run time from the scheduler)' })
  @ApiOkResponse({ type: SuiteDto })
  get(@CurrentTeam() team: TeamContext, @Param('suiteId') id: string): Promise<SuiteView> {
    return this.suites.get(team.teamId, id);
  }

  @Patch(':suiteId')
  @TeamScoped('editor')
  @ApiParam(SUITE_ID)
  @ApiOperation({ summary: 'Change a suite (only the fields given); entries and variables are checked again' })
  @ApiBody({ type: UpdateSuiteDto, examples: { disable: { summary: 'Pause the suite and its schedule', value: { enabled: false } }, reorder: { summary: 'Run one at a time', value: { mode: 'sequential', failFast: true } } } })
  @ApiOkResponse({ type: SuiteDto })
  @ApiBadRequestResponse(INVALID)
  @ApiConflictResponse({ description: 'A suite with this name exists in the team' })
  update(@CurrentTeam() team: TeamContext, @Param('suiteId') id: string, @Body() dto: UpdateSuiteDto): Promise<SuiteView> {
    return this.suites.update(team, id, dto);
  }

  @Delete(':suiteId')
  @TeamScoped('editor')
  @HttpCode(204)
  @ApiParam(SUITE_ID)
  @ApiOperation({ summary: 'Delete a suite with its schedule, webhooks and run history' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ description: 'A run of the suite is in progress' })
  async remove(@CurrentTeam() team: TeamContext, @Param('suiteId') id: string): Promise<void> {
    await this.suites.remove(team.teamId, id);
  }

  @Post(':suiteId/run')
  @TeamScoped('editor')
  @ApiParam(SUITE_ID)
  @ApiOperation({
    summary: 'Run the suite: one execution per entry, queued as the mode allows',
    description:
      'Answers 201 with the started run. With `wait=true` the request is held until the run finishes: 200 with the final run, ' +
      'or 202 with the run still in progress once `timeoutSec` has passed. For CI: fail the job unless `outcome` is `passed` (see README "CI").',
  })
  @ApiBody({ type: RunSuiteDto, required: false, examples: { plain: { summary: 'As configured', value: {} }, override: { summary: 'Point every flow at a review app', value: { variables: [{ name: 'baseUrl', value: 'https://review-42.example.com' }] } } } })
  @ApiCreatedResponse({ type: SuiteRunDto, description: 'Started (without wait)' })
  @ApiOkResponse({ type: SuiteRunDto, description: 'wait=true: the run finished; `outcome` is passed, failed or cancelled' })
  @ApiAcceptedResponse({ type: SuiteRunDto, description: 'wait=true: still running after timeoutSec' })
  @ApiBadRequestResponse({ description: 'An entry no longer matches its flow (`entries.N.…`) or a run variable is invalid (`variables.N.value`)' })
  @ApiConflictResponse({ description: 'The suite is disabled' })
  @ApiTooManyRequestsResponse({ description: 'The team started more than TEAM_RUN_RATE_PER_MIN runs this minute; Retry-After says when to try again' })
  async run(
    @CurrentTeam() team: TeamContext,
    @Param('suiteId') id: string,
    @Query() query: RunSuiteQuery,
    @Body() body: RunSuiteDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SuiteRunView> {
    await this.rateLimiter.hit(team.teamId);
    const run = (await this.runs.start(team, id, { trigger: 'api', variables: body?.variables }))!;
    if (!query.wait) {
      res.status(201);
      return run;
    }
    // Stop waiting when the client goes away (CI job cancelled); the run itself goes on.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) gone.abort();
    });
    const finished = await this.waiter.waitForFinish(team.teamId, run.id, (query.timeoutSec ?? 300) * 1000, gone.signal);
    res.status(finished ? 200 : 202);
    return this.runs.get(team.teamId, run.id);
  }

  @Get(':suiteId/schedule')
  @TeamScoped('viewer')
  @ApiParam(SUITE_ID)
  @ApiOperation({ summary: "The suite's schedule with its next run time (404 when it has none)" })
  @ApiOkResponse({ type: ScheduleViewDto })
  getSchedule(@CurrentTeam() team: TeamContext, @Param('suiteId') id: string): Promise<ScheduleView> {
    return this.suites.getSchedule(team.teamId, id);
  }

  @Put(':suiteId/schedule')
  @TeamScoped('editor')
  @ApiParam(SUITE_ID)
  @ApiOperation({ summary: 'Set (or replace) the cron schedule; `enabled: false` keeps it but stops it firing' })
  @ApiBody({ type: ScheduleDto, examples: { weekdays: { summary: '06:00 Berlin time, Monday to Friday', value: EXAMPLE_SCHEDULE }, hourly: { summary: 'Every hour, UTC', value: { cron: '0 * * * *' } } } })
  @ApiOkResponse({ type: ScheduleViewDto })
  @ApiBadRequestResponse({ description: '`cron` or `timezone` invalid' })
  setSchedule(@CurrentTeam() team: TeamContext, @Param('suiteId') id: string, @Body() dto: ScheduleDto): Promise<ScheduleView> {
    return this.suites.setSchedule(team.teamId, id, dto);
  }

  @Delete(':suiteId/schedule')
  @TeamScoped('editor')
  @HttpCode(204)
  @ApiParam(SUITE_ID)
  @ApiOperation({ summary: 'Remove the schedule' })
  @ApiNoContentResponse({ description: 'Removed (also when there was none)' })
  async deleteSchedule(@CurrentTeam() team: TeamContext, @Param('suiteId') id: string): Promise<void> {
    await this.suites.deleteSchedule(team.teamId, id);
  }
}
