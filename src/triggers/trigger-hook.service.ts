import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { ExecutionsService } from '../executions/executions.service';
import { SuiteRunsService } from '../suites/runs/suite-runs.service';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../suites/notifications/webhook-signature';
import { AlertDedup } from './alert-dedup';
import { AlertPayloadError, type NormalisedAlert } from './parsers/normalised-alert';
import { parseAlerts } from './parsers/parse-alerts';
import { type DeliveryOutcome, TriggerDelivery } from './trigger-delivery.entity';
import { TriggerHookLimiter } from './trigger-hook-limiter';
import { renderRuleVariables, ruleMatches, type TriggerRule } from './trigger-rule';
import type { Trigger } from './trigger.entity';
import { TriggersService } from './triggers.service';

/** Signed timestamps further than this from our clock are refused (replays of a captured call). */
export const SIGNATURE_TOLERANCE_SEC = 300;

export type StartedRun = { executionId: string } | { suiteRunId: string };

export interface HookAnswer {
  deliveryId: string;
  started: StartedRun[];
}

/**
 * One message for an unknown trigger and a wrong secret alike, so the hook does not tell which ids
 * exist.
 */
const REFUSED = 'Unknown trigger or invalid credentials: send Authorization: Bearer <secret> or a valid X-ATS-Signature';

/**
 * What POST /hooks/{triggerId} does: rate limit, authenticate the caller by the trigger's secret (Bearer
 * or HMAC over the raw body), read the alerts as the trigger's source sends them, and start what the
 * rules map them to — recording for each alert what it started or why not.
 */
@Injectable()
export class TriggerHookService {
  private readonly logger = new Logger(TriggerHookService.name);

  constructor(
    private readonly triggers: TriggersService,
    private readonly limiter: TriggerHookLimiter,
    private readonly dedup: AlertDedup,
    private readonly executions: ExecutionsService,
    private readonly suiteRuns: SuiteRunsService,
    @InjectRepository(TriggerDelivery) private readonly deliveries: Repository<TriggerDelivery>,
  ) {}

  async receive(triggerId: string, headers: Record<string, string | string[] | undefined>, rawBody: Buffer): Promise<HookAnswer> {
    await this.limiter.hit(triggerId);
    const found = await this.triggers.findForHook(triggerId);
    // An unknown id still pays for a comparison: the answer's timing does not tell the ids apart either.
    const authorised = isAuthorised(found?.secret ?? UNKNOWN_TRIGGER_SECRET, headers, rawBody) && !!found;
    if (!authorised) throw AppException.unauthenticated(REFUSED);
    const { trigger } = found;
    if (!trigger.enabled) throw AppException.conflict('This trigger is disabled; enable it to start runs from alerts');

    const deliveryId = randomUUID();
    let alerts: NormalisedAlert[];
    try {
      alerts = parseAlerts(trigger.source, parseJson(rawBody));
    } catch (error) {
      if (!(error instanceof AlertPayloadError)) throw error;
      await this.record(deliveryId, trigger, 0, [], error.message);
      throw AppException.validation([{ field: error.field, message: error.message.slice(error.field.length + 2) }], `${trigger.source} payload: ${error.message}`);
    }
    // Written first, so runs never name a delivery that does not exist; outcomes follow.
    await this.record(deliveryId, trigger, alerts.length, [], null);
    const outcomes: DeliveryOutcome[] = [];
    for (const alert of alerts) outcomes.push(...(await this.handleAlert(deliveryId, trigger, alert)));
    await this.deliveries.update({ id: deliveryId }, { outcomes });
    return { deliveryId, started: outcomes.flatMap((o) => ('started' in o ? [o.started] : [])) };
  }

  private async handleAlert(deliveryId: string, trigger: Trigger, alert: NormalisedAlert): Promise<DeliveryOutcome[]> {
    const base = { fingerprint: alert.fingerprint, status: alert.status };
    const matching = trigger.rules.flatMap((rule, index) => (ruleMatches(rule, alert) ? [{ rule, index }] : []));
    if (!matching.length) return [{ ...base, rule: null, skipped: 'no-rule-matched' }];
    const outcomes: DeliveryOutcome[] = [];
    for (const { rule, index } of matching) {
      const rendered = renderRuleVariables(rule, alert);
      if (!rendered.ok) {
        outcomes.push({ ...base, rule: index, skipped: 'variables-unresolved', detail: rendered.reason });
        continue;
      }
      if (!(await this.dedup.claim(trigger.id, index, alert.fingerprint, trigger.dedupWindowSec))) {
        outcomes.push({ ...base, rule: index, skipped: 'deduplicated', detail: `already started within ${trigger.dedupWindowSec} s` });
        continue;
      }
      try {
        outcomes.push({ ...base, rule: index, started: await this.start(deliveryId, trigger.teamId, rule, rendered.variables) });
      } catch (error) {
        await this.dedup.release(trigger.id, index, alert.fingerprint);
        if (!(error instanceof AppException)) {
          this.logger.error({ err: error, triggerId: trigger.id, deliveryId }, 'Alert trigger could not start a run');
          outcomes.push({ ...base, rule: index, skipped: 'start-failed', detail: 'internal error; see the service logs' });
        } else if (error.code === ErrorCode.NOT_FOUND) {
          outcomes.push({ ...base, rule: index, skipped: 'target-not-found', detail: error.message });
        } else {
          outcomes.push({ ...base, rule: index, skipped: 'start-failed', detail: error.message });
        }
      }
    }
    return outcomes;
  }

  private async start(deliveryId: string, teamId: string, rule: TriggerRule, variables: Array<{ name: string; value: unknown }>): Promise<StartedRun> {
    const team = { teamId, userId: null };
    if (rule.run.flowId) {
      const execution = await this.executions.run(team, { flowId: rule.run.flowId, variables, parameters: { alertDeliveryId: deliveryId } }, 'alert');
      return { executionId: execution.id };
    }
    const run = await this.suiteRuns.start(team, rule.run.suiteId!, { trigger: 'alert', variables, alertDeliveryId: deliveryId });
    if (!run) throw new Error('suite run not started'); // only a duplicate trigger key returns nothing, and none is given
    return { suiteRunId: run.id };
  }

  private async record(id: string, trigger: Trigger, alertsCount: number, outcomes: DeliveryOutcome[], error: string | null): Promise<void> {
    await this.deliveries.insert({ id, triggerId: trigger.id, teamId: trigger.teamId, source: trigger.source, alertsCount, outcomes, error, receivedAt: new Date() });
  }
}

/** Compared against when the trigger does not exist; no caller can know it. */
const UNKNOWN_TRIGGER_SECRET = randomUUID();

function isAuthorised(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: Buffer): boolean {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return !!match && sameSecret(match[1], secret);
  }
  const signature = headers[SIGNATURE_HEADER.toLowerCase()];
  return typeof signature === 'string' && verifyWebhookSignature(secret, signature, rawBody, SIGNATURE_TOLERANCE_SEC);
}

/** Constant time whatever the lengths: both sides hashed to 32 bytes first. */
function sameSecret(given: string, secret: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AlertPayloadError('body', 'malformed JSON');
  }
}
