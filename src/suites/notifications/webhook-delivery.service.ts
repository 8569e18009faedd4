import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import type { Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { OutboundHttpError } from '../../outbound-http/http-client';
import { OutboundHttpClient } from '../../outbound-http/outbound-http.client';
import { AtsMetrics } from '../../metrics/ats-metrics';
import { DeliverWebhookJob, parseJobData } from '../suites-queue.jobs';
import { SuiteWebhook } from './suite-webhook.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSecretCipher } from './webhook-secret-cipher';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';
import { WEBHOOK_EVENT } from './webhook-payload';

/** Characters of the receiver's answer kept in the delivery log; the rest is not even read. */
const RESPONSE_SNIPPET = 2000;

/** Thrown to make BullMQ retry the job (with backoff) after a recorded failed attempt. */
export class WebhookAttemptFailed extends Error {}

/** Sends one attempt of a webhook notification (worker side) and records it. */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    @InjectRepository(SuiteWebhook) private readonly webhooks: Repository<SuiteWebhook>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly cipher: WebhookSecretCipher,
    private readonly config: AppConfig,
    // Its agents come from the egress gate: a webhook URL goes only where tenants may connect (checked after DNS).
    private readonly http: OutboundHttpClient,
    private readonly metrics: AtsMetrics,
  ) {}

  async deliver(job: Job): Promise<void> {
    const data = parseJobData(DeliverWebhookJob, job.data);
    const hook = await this.webhooks.findOne({ where: { id: data.webhookId, teamId: data.teamId } });
    // Deleted or disabled since the run finished: nothing to send, nothing to retry.
    if (!hook || !hook.enabled) return;
    const secret = this.cipher.decrypt({ keyId: hook.secretKeyId, ciphertext: hook.secretCiphertext }, hook.id);
    const body = Buffer.from(data.body, 'utf8');
    const attempt = job.attemptsMade + 1;
    const started = performance.now();
    let httpStatus: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    try {
      const res = await this.http.request({
        url: hook.url,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'async-testing-service-webhooks/1',
          'x-ats-event': WEBHOOK_EVENT,
          'x-ats-delivery': data.deliveryId,
          'x-ats-attempt': String(attempt),
          [SIGNATURE_HEADER.toLowerCase()]: signWebhookBody(secret, body), // signed per attempt: a retry carries a fresh timestamp
        },
        body: data.body, // the signed bytes: UTF-8, as `body` above
        followRedirects: false,
        // The deadline of the whole attempt, body included: a receiver trickling its answer is cut here.
        timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
        maxResponseBytes: RESPONSE_SNIPPET * 4, // UTF-8: at most 4 bytes a character
        overLimit: 'truncate',
      });
      httpStatus = res.status;
      responseBody = res.body.toString('utf8').slice(0, RESPONSE_SNIPPET);
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof OutboundHttpError ? e.message : String(e);
    }
    this.metrics.webhookDeliveries.inc({ outcome: error ? 'failed' : 'delivered' });
    await this.deliveries.insert({
      teamId: data.teamId,
      webhookId: hook.id,
      suiteRunId: data.suiteRunId,
      deliveryId: data.deliveryId,
      attempt,
      outcome: error ? 'failed' : 'delivered',
      httpStatus,
      error,
      durationMs: Math.round(performance.now() - started),
      responseBody,
    });
    if (error) {
      this.logger.warn({ webhookId: hook.id, deliveryId: data.deliveryId, attempt, error }, 'Webhook delivery attempt failed');
      throw new WebhookAttemptFailed(error);
    }
  }
}
