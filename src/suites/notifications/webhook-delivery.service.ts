import type http from 'node:http';
import type https from 'node:https';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import axios, { type AxiosError } from 'axios';
import type { Job } from 'bullmq';
import type { Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { EgressService } from '../../egress/egress.service';
import { AtsMetrics } from '../../metrics/ats-metrics';
import { DeliverWebhookJob, parseJobData } from '../suites-queue.jobs';
import { SuiteWebhook } from './suite-webhook.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSecretCipher } from './webhook-secret-cipher';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';
import { WEBHOOK_EVENT } from './webhook-payload';

const RESPONSE_SNIPPET = 2000;

/** Thrown to make BullMQ retry the job (with backoff) after a recorded failed attempt. */
export class WebhookAttemptFailed extends Error {}

/** Sends one attempt of a webhook notification (worker side) and records it. */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  // From the egress gate: a webhook URL goes only where tenants may connect (checked after DNS).
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    @InjectRepository(SuiteWebhook) private readonly webhooks: Repository<SuiteWebhook>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly cipher: WebhookSecretCipher,
    private readonly config: AppConfig,
    egress: EgressService,
    private readonly metrics: AtsMetrics,
  ) {
    this.httpAgent = egress.httpAgent();
    this.httpsAgent = egress.httpsAgent();
  }

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
      const res = await axios.post<string>(hook.url, body, {
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'async-testing-service-webhooks/1',
          'X-ATS-Event': WEBHOOK_EVENT,
          'X-ATS-Delivery': data.deliveryId,
          'X-ATS-Attempt': String(attempt),
          [SIGNATURE_HEADER]: signWebhookBody(secret, body), // signed per attempt: a retry carries a fresh timestamp
        },
        timeout: this.config.WEBHOOK_TIMEOUT_MS,
        maxRedirects: 0,
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        maxContentLength: 1024 * 1024,
        validateStatus: () => true,
      });
      httpStatus = res.status;
      responseBody = typeof res.data === 'string' ? res.data.slice(0, RESPONSE_SNIPPET) : null;
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (e) {
      const ax = e as AxiosError;
      error = ax.code === 'ECONNABORTED' || ax.code === 'ETIMEDOUT' ? `timed out after ${this.config.WEBHOOK_TIMEOUT_MS} ms` : (ax.message ?? String(e));
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
