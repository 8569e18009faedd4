import { Body, Controller, Get, HttpCode, Param, Post, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { type Observable, takeUntil } from 'rxjs';
import { toServerSentEvents } from '../common/http/event-stream';
import type { TeamContext } from '../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../identity/tenancy/team-access.decorator';
import { TeamAccessRevocations } from '../identity/tenancy/team-access-revocations';
import { ExecutionDto, ExecutionPageDto, ExecutionStepDto, GetExecutionQuery, ListExecutionsQuery } from './dto/execution.dto';
import { RerunExecutionQuery } from './dto/rerun-execution.dto';
import { RUN_BATCH_MAX, RunBatchDto } from './dto/run-batch.dto';
import { RunFlowDto } from './dto/run-flow.dto';
import { ExecutionBatchService } from './batch/execution-batch.service';
import type { ExecutionStep } from './execution-step.entity';
import { ExecutionsService, type ExecutionSummaryView, type ExecutionView } from './executions.service';
import { ExecutionStreamHub, isFinalEvent } from './live/execution-stream.hub';
import { ExecutionRerunService } from './rerun/execution-rerun.service';
import { TeamRunRateLimiter } from './team-run-rate-limiter';

@ApiTags('executions')
@Controller('teams/:teamId')
export class ExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly hub: ExecutionStreamHub,
    private readonly revocations: TeamAccessRevocations,
    private readonly rateLimiter: TeamRunRateLimiter,
    private readonly reruns: ExecutionRerunService,
    private readonly batches: ExecutionBatchService,
  ) {}

  @Post('flows/run')
  @TeamScoped('editor')
  @ApiOperation({ summary: 'Queue a run of a flow (latest or pinned version); answers with the PENDING execution' })
  @ApiCreatedResponse({ type: ExecutionDto })
  @ApiConflictResponse({ description: 'The flow changed twice while the run was being written (a save racing the request); send it again' })
  @ApiTooManyRequestsResponse({ description: 'The team started more than TEAM_RUN_RATE_PER_MIN runs this minute; Retry-After says when to try again' })
  async run(@CurrentTeam() team: TeamContext, @Body() dto: RunFlowDto): Promise<ExecutionView> {
    await this.rateLimiter.hit(team.teamId);
    return this.executions.run(team, dto);
  }

  @Post('flows/run-batch')
  @TeamScoped('editor')
  @ApiOperation({
    summary: `Queue up to ${RUN_BATCH_MAX} runs of one flow version in one request, e.g. one per row of test data; answers with the PENDING executions in the order of \`runs\``,
  })
  @ApiCreatedResponse({ type: [ExecutionDto] })
  @ApiBadRequestResponse({ description: 'A run of the batch is invalid (the problem names it: `runs.2.variables.0.value`); nothing is written' })
  @ApiConflictResponse({ description: 'The flow changed twice while the runs were being written; send them again' })
  @ApiTooManyRequestsResponse({ description: 'The batch would take the team past TEAM_RUN_RATE_PER_MIN runs this minute (each run counts); nothing is written and nothing counted' })
  async runBatch(@CurrentTeam() team: TeamContext, @Body() dto: RunBatchDto): Promise<ExecutionView[]> {
    await this.rateLimiter.hit(team.teamId, dto.runs.length);
    return this.batches.run(team, dto);
  }

  @Get('executions')
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'List executions, newest first (filters: flow, status, trigger, time range); steps without request/response/assertions' })
  @ApiOkResponse({ type: ExecutionPageDto })
  list(@CurrentTeam() team: TeamContext, @Query() query: ListExecutionsQuery) {
    return this.executions.list(team.teamId, query);
  }

  @Get('executions/:executionId')
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'One execution with its steps; `?steps=summary` leaves out the stored request/response/assertions' })
  @ApiOkResponse({ type: ExecutionDto })
  get(@CurrentTeam() team: TeamContext, @Param('executionId') id: string, @Query() query: GetExecutionQuery): Promise<ExecutionView | ExecutionSummaryView> {
    return this.executions.get(team.teamId, id, query.steps ?? 'full');
  }

  @Get('executions/:executionId/steps/:stepId')
  @TeamScoped('viewer')
  @ApiOperation({ summary: 'One step of an execution as stored: request, response and assertions within the result caps' })
  @ApiOkResponse({ type: ExecutionStepDto })
  getStep(@CurrentTeam() team: TeamContext, @Param('executionId') id: string, @Param('stepId') stepId: string): Promise<ExecutionStep> {
    return this.executions.getStep(team.teamId, id, stepId);
  }

  @Post('executions/:executionId/cancel')
  @TeamScoped('editor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: a queued run is removed, a running one aborts its current step' })
  @ApiOkResponse({ type: ExecutionDto })
  cancel(@CurrentTeam() team: TeamContext, @Param('executionId') id: string): Promise<ExecutionView> {
    return this.executions.cancel(team.teamId, id);
  }

  @Post('executions/:executionId/rerun')
  @TeamScoped('editor')
  @ApiOperation({
    summary: 'Re-run an execution: a new run of the same pinned flow version with its stored variables and parameters (rerunOf links it); `?fromStep=` resumes from a step',
  })
  @ApiCreatedResponse({ type: ExecutionDto, description: 'The new execution, PENDING; with fromStep its earlier steps are already finished, `reused: true`' })
  @ApiBadRequestResponse({ description: '`fromStep` names no step, or a step before it ran in the background, did not succeed, or was stored truncated (the message says which)' })
  @ApiTooManyRequestsResponse({ description: 'The team started more than TEAM_RUN_RATE_PER_MIN runs this minute; Retry-After says when to try again' })
  async rerun(@CurrentTeam() team: TeamContext, @Param('executionId') id: string, @Query() query: RerunExecutionQuery): Promise<ExecutionView> {
    await this.rateLimiter.hit(team.teamId);
    return this.reruns.rerun(team, id, query.fromStep);
  }

  @Sse('executions/:executionId/events')
  @TeamScoped('viewer')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Server-Sent Events: `snapshot`, then `update` events in order; ends after the final state' })
  async events(@CurrentTeam() team: TeamContext, @Param('executionId') id: string): Promise<Observable<MessageEvent>> {
    await this.executions.get(team.teamId, id); // 404 before the stream opens
    return toServerSentEvents(
      (sink) => this.hub.subscribe(id, sink),
      (event) => ({ type: event.type, data: event.data, seq: event.data.seq }),
      isFinalEvent,
    ).pipe(takeUntil(this.revocations.lost(team))); // ends when the caller loses access to the team
  }
}
