import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { TeamContext } from '../../identity/tenancy/principal';
import { CurrentTeam, TeamScoped } from '../../identity/tenancy/team-access.decorator';
import { EXAMPLE_WEBHOOK } from '../dto/suite-examples';
import { CreateWebhookDto, ListDeliveriesQuery, UpdateWebhookDto, WebhookDeliveryPageDto, WebhookDto } from './webhook.dto';
import { type WebhookView, WebhooksService } from './webhooks.service';

const SUITE_ID = { name: 'suiteId', format: 'uuid' } as const;
const WEBHOOK_ID = { name: 'webhookId', format: 'uuid' } as const;

@ApiTags('suite webhooks')
@Controller('teams/:teamId/suites/:suiteId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @TeamScoped('viewer')
  @ApiParam(SUITE_ID)
  @ApiOperation({ summary: "The suite's webhooks (secrets are never returned)" })
  @ApiOkResponse({ type: [WebhookDto] })
  list(@CurrentTeam() team: TeamContext, @Param('suiteId') suiteId: string): Promise<WebhookView[]> {
    return this.webhooks.list(team.teamId, suiteId);
  }

  @Post()
  @TeamScoped('editor')
  @ApiParam(SUITE_ID)
  @ApiOperation({
    summary: 'Add a webhook called when a run of the suite finishes',
    description:
      'POST with the JSON event (or a Slack message), headers `X-ATS-Event`, `X-ATS-Delivery` (same on retries), `X-ATS-Attempt` and ' +
      '`X-ATS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the secret>`; refuse timestamps older than a few minutes. A non-2xx answer or a timeout is retried with exponential backoff.',
  })
  @ApiBody({ type: CreateWebhookDto, examples: { slack: { summary: 'Slack, when the outcome changes', value: EXAMPLE_WEBHOOK }, json: { summary: 'JSON on every failure', value: { ...EXAMPLE_WEBHOOK, url: 'https://ci.example.com/hooks/ats', format: 'json', notifyOn: 'on-failure' } } } })
  @ApiCreatedResponse({ type: WebhookDto })
  @ApiBadRequestResponse({ description: 'Invalid field (url, secret length, …)' })
  create(@CurrentTeam() team: TeamContext, @Param('suiteId') suiteId: string, @Body() dto: CreateWebhookDto): Promise<WebhookView> {
    return this.webhooks.create(team.teamId, suiteId, dto);
  }

  @Patch(':webhookId')
  @TeamScoped('editor')
  @ApiParam(SUITE_ID)
  @ApiParam(WEBHOOK_ID)
  @ApiOperation({ summary: 'Change a webhook; a new `secret` replaces the old one' })
  @ApiBody({ type: UpdateWebhookDto, examples: { disable: { summary: 'Pause it', value: { enabled: false } }, rotate: { summary: 'Rotate the secret', value: { secret: 'whsec-new-0123456789abcdef' } } } })
  @ApiOkResponse({ type: WebhookDto })
  update(@CurrentTeam() team: TeamContext, @Param('suiteId') suiteId: string, @Param('webhookId') id: string, @Body() dto: UpdateWebhookDto): Promise<WebhookView> {
    return this.webhooks.update(team.teamId, suiteId, id, dto);
  }

  @Delete(':webhookId')
  @TeamScoped('editor')
  @HttpCode(204)
  @ApiParam(SUITE_ID)
  @ApiParam(WEBHOOK_ID)
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted, with its delivery log' })
  async remove(@CurrentTeam() team: TeamContext, @Param('suiteId') suiteId: string, @Param('webhookId') id: string): Promise<void> {
    await this.webhooks.remove(team.teamId, suiteId, id);
  }

  @Get(':webhookId/deliveries')
  @TeamScoped('viewer')
  @ApiParam(SUITE_ID)
  @ApiParam(WEBHOOK_ID)
  @ApiOperation({ summary: 'Delivery attempts, newest first: HTTP status, error, duration and the start of the response' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  deliveries(@CurrentTeam() team: TeamContext, @Param('suiteId') suiteId: string, @Param('webhookId') id: string, @Query() query: ListDeliveriesQuery) {
    return this.webhooks.listDeliveries(team.teamId, suiteId, id, query);
  }
}
