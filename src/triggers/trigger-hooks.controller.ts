import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation, ApiParam, ApiPayloadTooLargeResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/http/public.decorator';
import { ALERTMANAGER_EXAMPLE } from './parsers/examples/documented-payloads';
import { type HookAnswer, TriggerHookService } from './trigger-hook.service';

@ApiTags('alert triggers')
@Controller('hooks')
export class TriggerHooksController {
  constructor(private readonly hooks: TriggerHookService) {}

  /** Public: the trigger's secret is the credential, checked by the service (no user or API key). */
  @Post(':triggerId')
  @Public()
  @HttpCode(202)
  @ApiParam({ name: 'triggerId', format: 'uuid' })
  @ApiOperation({
    summary: 'Receive alerts (Alertmanager, Grafana, Opsgenie or generic JSON) and start the runs the trigger maps them to',
    description:
      'Authenticate with `Authorization: Bearer <secret>` or `X-ATS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the secret>` ' +
      '(timestamps within 5 minutes). Body up to 1 MB. The same alert (fingerprint) and rule starts one run per dedup window.',
  })
  @ApiBody({ schema: { type: 'object' }, examples: { alertmanager: { summary: 'Alertmanager webhook v4', value: ALERTMANAGER_EXAMPLE } } })
  @ApiAcceptedResponse({ description: '`{deliveryId, started: [{executionId} | {suiteRunId}]}`; the delivery log says why an alert started nothing' })
  @ApiUnauthorizedResponse({ description: 'Unknown trigger or wrong secret (the same answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'More calls of this hook than TRIGGER_HOOK_MAX_PER_MIN in the last minute' })
  @ApiPayloadTooLargeResponse({ description: 'Body above 1 MB' })
  receive(@Param('triggerId') triggerId: string, @Req() req: Request): Promise<HookAnswer> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.hooks.receive(triggerId, req.headers, body);
  }
}
