import { Controller, Get, HttpCode, type MessageEvent, Param, Post, Query, Sse } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTooManyRequestsResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Observable, takeUntil } from 'rxjs';
import { toServerSentEvents } from '../../common/http/event-stream';
import type { TeamContext } from '../../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../../identity/tenancy/team-access.decorator';
import { TeamAccessRevocations } from '../../identity/tenancy/team-access-revocations';
import { TeamRunRateLimiter } from '../../executions/team-run-rate-limiter';
import { ListSuiteRunsQuery, RerunSuiteRunQuery, SuiteRunDto, SuiteRunPageDto } from '../dto/suite-run.dto';
import { isFinalSuiteEvent, SuiteRunStreamHub } from '../live/suite-run-stream.hub';
import { SuiteRunsService } from './suite-runs.service';
import type { SuiteRunView } from './suite-run-view';

const RUN_ID = { name: 'suiteRunId', format: 'uuid' } as const;

@ApiTags('suite runs')
@Controller('teams/:teamId/suite-runs')
export class SuiteRunsController {
  constructor(
    private readonly runs: SuiteRunsService,
    private readonly hub: SuiteRunStreamHub,
    private readonly revocations: TeamAccessRevocations,
    private readonly rateLimiter: TeamRunRateLimiter,
  ) {}

  @Get()
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'List suite runs, newest first (filters: suite, status, trigger)' })
  @ApiOkResponse({ type: SuiteRunPageDto })
  list(@CurrentTeam() team: TeamContext, @Query() query: ListSuiteRunsQuery) {
    return this.runs.list(team.teamId, query);
  }

  @Get(':suiteRunId')
  @TeamScoped('viewer')
  @ApiParam(RUN_ID)
  @ApiOperation({ summary: 'A suite run with its counts and one item per entry (execution id and status)' })
  @ApiOkResponse({ type: SuiteRunDto })
  get(@CurrentTeam() team: TeamContext, @Param('suiteRunId') id: string): Promise<SuiteRunView> {
    return this.runs.get(team.teamId, id);
  }

  @Post(':suiteRunId/cancel')
  @TeamScoped('editor')
  @HttpCode(200)
  @ApiParam(RUN_ID)
  @ApiOperation({ summary: 'Cancel the run: executions not started are cancelled, running ones abort their step; the run ends CANCELLED' })
  @ApiOkResponse({ type: SuiteRunDto })
  cancel(@CurrentTeam() team: TeamContext, @Param('suiteRunId') id: string): Promise<SuiteRunView> {
    return this.runs.cancel(team.teamId, id);
  }

  @Post(':suiteRunId/rerun')
  @TeamScoped('editor')
  @ApiParam(RUN_ID)
  @ApiOperation({
    summary: 'Re-run a finished suite run as a new run (rerunOf links it): every flow, or with `failedOnly=true` those that did not pass; each is a re-run of its execution (same pinned version and variables)',
  })
  @ApiCreatedResponse({ type: SuiteRunDto })
  @ApiConflictResponse({ description: 'The run is still in progress, the suite is disabled, or failedOnly=true and every flow passed' })
  @ApiTooManyRequestsResponse({ description: 'The team started more than TEAM_RUN_RATE_PER_MIN runs this minute; Retry-After says when to try again' })
  async rerun(@CurrentTeam() team: TeamContext, @Param('suiteRunId') id: string, @Query() query: RerunSuiteRunQuery): Promise<SuiteRunView> {
    await this.rateLimiter.hit(team.teamId);
    return this.runs.rerun(team, id, query.failedOnly ?? false);
  }

  @Sse(':suiteRunId/events')
  @TeamScoped('viewer')
  @ApiParam(RUN_ID)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'The event stream',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: snapshot\nid: 3\ndata: {"id":"0b7d…","status":"IN_PROGRESS","seq":3,"counts":{"total":2,"passed":1,"failed":0,"cancelled":0,"pending":0,"running":1},"items":[…]}\n\n' +
          'event: update\nid: 4\ndata: {"suiteRunId":"0b7d…","seq":4,"updateType":"EXECUTION_FINISHED","status":"IN_PROGRESS","counts":{…},"execution":{"executionId":"…","position":1,"flowName":"Pay","status":"FAILED"}}\n\n',
      },
    },
  })
  @ApiOperation({
    summary: 'Server-Sent Events: `snapshot` (the run as GET returns it), then `update` events; ends after RUN_FINISHED',
    description: 'Update types: EXECUTION_QUEUED, EXECUTION_STARTED, EXECUTION_FINISHED, RUN_STOPPING, RUN_FINISHED; Socket.IO namespace `/suite-runs` carries the same events.',
  })
  async events(@CurrentTeam() team: TeamContext, @Param('suiteRunId') id: string): Promise<Observable<MessageEvent>> {
    await this.runs.get(team.teamId, id); // 404 before the stream opens
    return toServerSentEvents(
      (sink) => this.hub.subscribe(team.teamId, id, sink),
      (event) => ({
        type: event.type,
        data: event.data,
        seq: event.type === 'snapshot' ? event.data.seq : 'seq' in event.data ? event.data.seq : undefined,
      }),
      isFinalSuiteEvent,
    ).pipe(takeUntil(this.revocations.lost(team))); // ends when the caller loses access to the team
  }
}
