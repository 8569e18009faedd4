import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import type { Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { EgressService } from '../../egress/egress.service';
import { SuitesService } from '../suites.service';
import type { CreateWebhookDto, ListDeliveriesQuery, UpdateWebhookDto } from './webhook.dto';
import { SuiteWebhook } from './suite-webhook.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSecretCipher } from './webhook-secret-cipher';

export interface WebhookView {
  id: string;
  suiteId: string;
  name: string;
  url: string;
  notifyOn: SuiteWebhook['notifyOn'];
  format: SuiteWebhook['format'];
  enabled: boolean;
  secretSet: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function toView(w: SuiteWebhook): WebhookView {
  return { id: w.id, suiteId: w.suiteId, name: w.name, url: w.url, notifyOn: w.notifyOn, format: w.format, enabled: w.enabled, secretSet: !!w.secretCiphertext, createdAt: w.createdAt, updatedAt: w.updatedAt };
}

/** Webhooks of a suite (secrets sealed, never returned) and their delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectRepository(SuiteWebhook) private readonly webhooks: Repository<SuiteWebhook>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly suites: SuitesService,
    private readonly cipher: WebhookSecretCipher,
    private readonly egress: EgressService,
  ) {}

  async list(teamId: string, suiteId: string): Promise<WebhookView[]> {
    await this.suites.find(teamId, suiteId);
    return (await this.webhooks.find({ where: { teamId, suiteId }, order: { createdAt: 'ASC' } })).map(toView);
  }

  async create(teamId: string, suiteId: string, dto: CreateWebhookDto): Promise<WebhookView> {
    await this.suites.find(teamId, suiteId);
    this.assertUrlAllowed(dto.url);
    const id = randomUUID();
    const sealed = this.cipher.encrypt(dto.secret, id);
    const saved = await this.webhooks.save(
      this.webhooks.create({
        id,
        teamId,
        suiteId,
        name: dto.name,
        url: dto.url,
        notifyOn: dto.notifyOn ?? 'always',
        format: dto.format ?? 'json',
        secretKeyId: sealed.keyId,
        secretCiphertext: sealed.ciphertext,
        enabled: dto.enabled ?? true,
      }),
    );
    return toView(saved);
  }

  async update(teamId: string, suiteId: string, id: string, dto: UpdateWebhookDto): Promise<WebhookView> {
    const hook = await this.find(teamId, suiteId, id);
    if (dto.name !== undefined) hook.name = dto.name;
    if (dto.url !== undefined) {
      this.assertUrlAllowed(dto.url);
      hook.url = dto.url;
    }
    if (dto.notifyOn !== undefined) hook.notifyOn = dto.notifyOn;
    if (dto.format !== undefined) hook.format = dto.format;
    if (dto.enabled !== undefined) hook.enabled = dto.enabled;
    if (dto.secret !== undefined) {
      const sealed = this.cipher.encrypt(dto.secret, hook.id);
      hook.secretKeyId = sealed.keyId;
      hook.secretCiphertext = sealed.ciphertext;
    }
    return toView(await this.webhooks.save(hook));
  }

  async remove(teamId: string, suiteId: string, id: string): Promise<void> {
    await this.webhooks.delete({ id: (await this.find(teamId, suiteId, id)).id });
  }

  async listDeliveries(teamId: string, suiteId: string, id: string, q: ListDeliveriesQuery) {
    const hook = await this.find(teamId, suiteId, id);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const [items, total] = await this.deliveries.findAndCount({
      where: { webhookId: hook.id, teamId },
      order: { createdAt: 'DESC', attempt: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  /** A URL whose IP-literal host the egress policy refuses is a 400 now; host names are checked at each delivery. */
  private assertUrlAllowed(text: string): void {
    const url = new URL(text);
    const refusal = this.egress.checkLiteral(url.hostname, Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
    if (refusal) throw AppException.validation([{ field: 'url', message: refusal }]);
  }

  private async find(teamId: string, suiteId: string, id: string): Promise<SuiteWebhook> {
    await this.suites.find(teamId, suiteId);
    const hook = isUUID(id) ? await this.webhooks.findOne({ where: { id, teamId, suiteId } }) : null;
    if (!hook) throw AppException.notFound('Webhook');
    return hook;
  }
}
