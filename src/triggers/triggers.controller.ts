import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { TeamContext } from '../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../identity/tenancy/team-access.decorator';
import { CreateTriggerDto, ListTriggerDeliveriesQuery, UpdateTriggerDto } from './dto/trigger.dto';
import { type TriggerView, type TriggerWithSecret, TriggersService } from './triggers.service';

const TRIGGER_ID = { name: 'triggerId', format: 'uuid' } as const;

const EXAMPLE_TRIGGER = {
  name: 'checkout alerts',
  source: 'alertmanager',
  dedupWindowSec: 600,
  rules: [{ match: { labels: { service: 'checkout' } }, status: 'firing', run: { suiteId: '3f1c2b9e-8a7d-4c6b-9e5f-1a2b3c4d5e6f', variables: { service: '${alert.labels.service}' } } }],
};

@ApiTags('alert triggers')
@Controller('teams/:teamId/triggers')
export class TriggersController {
  constructor(private readonly triggers: TriggersService) {}

  @Get()
  @TeamScoped('viewer')
  @ApiOperation({ summary: "The team's inbound alert triggers (secrets are never returned)" })
  list(@CurrentTeam() team: TeamContext): Promise<TriggerView[]> {
    return this.triggers.list(team.teamId);
  }

  @Post()
  @TeamScoped('editor')
  @ApiOperation({
    summary: 'Create a trigger: alerts POSTed to its `url` start the flows or suites its rules map them to',
    description: 'The answer carries `secret` — the only time it is shown. Every rule must name a flow or suite of this team (400 naming the rule otherwise).',
  })
  @ApiBody({ type: CreateTriggerDto, examples: { alertmanager: { summary: 'Alertmanager → checkout suite', value: EXAMPLE_TRIGGER } } })
  @ApiCreatedResponse({ description: 'The trigger with `url` and, once, `secret`' })
  create(@CurrentTeam() team: TeamContext, @Body() dto: CreateTriggerDto): Promise<TriggerWithSecret> {
    return this.triggers.create(team.teamId, dto);
  }

  @Get(':triggerId')
  @TeamScoped('viewer')
  @ApiParam(TRIGGER_ID)
  @ApiOkResponse({ description: 'The trigger, without its secret' })
  get(@CurrentTeam() team: TeamContext, @Param('triggerId') id: string): Promise<TriggerView> {
    return this.triggers.get(team.teamId, id);
  }

  @Patch(':triggerId')
  @TeamScoped('editor')
  @ApiParam(TRIGGER_ID)
  @ApiOperation({ summary: 'Change name, source, rules, dedup window or enabled (the secret changes only by rotation)' })
  update(@CurrentTeam() team: TeamContext, @Param('triggerId') id: string, @Body() dto: UpdateTriggerDto): Promise<TriggerView> {
    return this.triggers.update(team.teamId, id, dto);
  }

  @Post(':triggerId/rotate-secret')
  @TeamScoped('editor')
  @HttpCode(200)
  @ApiParam(TRIGGER_ID)
  @ApiOperation({ summary: 'Replace the secret; the answer shows the new one once, and the old one stops working at once' })
  rotate(@CurrentTeam() team: TeamContext, @Param('triggerId') id: string): Promise<TriggerWithSecret> {
    return this.triggers.rotateSecret(team.teamId, id);
  }

  @Delete(':triggerId')
  @TeamScoped('editor')
  @HttpCode(204)
  @ApiParam(TRIGGER_ID)
  @ApiNoContentResponse({ description: 'Deleted, with its delivery log; runs it started stay' })
  async remove(@CurrentTeam() team: TeamContext, @Param('triggerId') id: string): Promise<void> {
    await this.triggers.remove(team.teamId, id);
  }

  @Get(':triggerId/deliveries')
  @TeamScoped('viewer')
  @ApiParam(TRIGGER_ID)
  @ApiOperation({ summary: 'Hook calls, newest first: alerts received and, per alert and rule, the run started or why not (no-rule-matched, deduplicated, target-not-found, variables-unresolved, start-failed)' })
  deliveries(@CurrentTeam() team: TeamContext, @Param('triggerId') id: string, @Query() query: ListTriggerDeliveriesQuery) {
    return this.triggers.listDeliveries(team.teamId, id, query);
  }
}
