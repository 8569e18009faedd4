import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException, type FieldProblem } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { FlowsService } from '../flows/flows.service';
import { isUuid } from '../identity/tenancy/tenancy.service';
import { SecretCipher } from '../resources/secret-cipher.service';
import { SuitesService } from '../suites/suites.service';
import type { CreateTriggerDto, ListTriggerDeliveriesQuery, TriggerRuleDto, UpdateTriggerDto } from './dto/trigger.dto';
import { TriggerDelivery } from './trigger-delivery.entity';
import type { TriggerRule } from './trigger-rule';
import { Trigger } from './trigger.entity';

/** Relative to the API host, like every link the service returns (it does not know its public URL). */
export const hookUrlOf = (triggerId: string) => `/api/v1/hooks/${triggerId}`;

export const DEFAULT_DEDUP_WINDOW_SEC = 300;

export interface TriggerView {
  id: string;
  name: string;
  source: Trigger['source'];
  rules: TriggerRule[];
  dedupWindowSec: number;
  enabled: boolean;
  url: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Returned once, by create and rotate: the only time the secret leaves the server. */
export interface TriggerWithSecret extends TriggerView {
  secret: string;
}

function toView(t: Trigger): TriggerView {
  return { id: t.id, name: t.name, source: t.source, rules: t.rules, dedupWindowSec: t.dedupWindowSec, enabled: t.enabled, url: hookUrlOf(t.id), createdAt: t.createdAt, updatedAt: t.updatedAt };
}

/** Secret context: a ciphertext copied onto another trigger (or a resource) does not open. */
const secretContext = (triggerId: string) => `trigger:${triggerId}`;

/** A team's inbound alert triggers (secrets sealed, shown once) and their delivery log. */
@Injectable()
export class TriggersService {
  constructor(
    @InjectRepository(Trigger) private readonly triggers: Repository<Trigger>,
    @InjectRepository(TriggerDelivery) private readonly deliveries: Repository<TriggerDelivery>,
    private readonly flows: FlowsService,
    private readonly suites: SuitesService,
    private readonly cipher: SecretCipher,
  ) {}

  async list(teamId: string): Promise<TriggerView[]> {
    return (await this.triggers.find({ where: { teamId }, order: { createdAt: 'ASC' } })).map(toView);
  }

  async get(teamId: string, id: string): Promise<TriggerView> {
    return toView(await this.find(teamId, id));
  }

  async create(teamId: string, dto: CreateTriggerDto): Promise<TriggerWithSecret> {
    const rules = await this.checkRules(teamId, dto.rules);
    await this.assertNameFree(teamId, dto.name);
    const id = randomUUID();
    const secret = newSecret();
    const sealed = this.cipher.encrypt(secret, secretContext(id));
    const saved = await this.triggers.save(
      this.triggers.create({
        id,
        teamId,
        name: dto.name,
        source: dto.source,
        rules,
        dedupWindowSec: dto.dedupWindowSec ?? DEFAULT_DEDUP_WINDOW_SEC,
        enabled: dto.enabled ?? true,
        secretKeyId: sealed.keyId,
        secretCiphertext: sealed.ciphertext,
      }),
    );
    return { ...toView(saved), secret };
  }

  async update(teamId: string, id: string, dto: UpdateTriggerDto): Promise<TriggerView> {
    const trigger = await this.find(teamId, id);
    if (dto.rules !== undefined) trigger.rules = await this.checkRules(teamId, dto.rules);
    if (dto.name !== undefined && dto.name !== trigger.name) {
      await this.assertNameFree(teamId, dto.name);
      trigger.name = dto.name;
    }
    if (dto.source !== undefined) trigger.source = dto.source;
    if (dto.dedupWindowSec !== undefined) trigger.dedupWindowSec = dto.dedupWindowSec;
    if (dto.enabled !== undefined) trigger.enabled = dto.enabled;
    return toView(await this.triggers.save(trigger));
  }

  /** A new secret replaces the old one at once: senders still using the old one get 401. */
  async rotateSecret(teamId: string, id: string): Promise<TriggerWithSecret> {
    const trigger = await this.find(teamId, id);
    const secret = newSecret();
    const sealed = this.cipher.encrypt(secret, secretContext(id));
    trigger.secretKeyId = sealed.keyId;
    trigger.secretCiphertext = sealed.ciphertext;
    return { ...toView(await this.triggers.save(trigger)), secret };
  }

  async remove(teamId: string, id: string): Promise<void> {
    const trigger = await this.find(teamId, id);
    await this.triggers.delete({ id: trigger.id, teamId });
  }

  async listDeliveries(teamId: string, id: string, q: ListTriggerDeliveriesQuery) {
    const trigger = await this.find(teamId, id);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const [items, total] = await this.deliveries.findAndCount({
      where: { triggerId: trigger.id, teamId },
      order: { receivedAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  /** For the hook: the trigger whatever its team, with its secret opened; undefined when there is none. */
  async findForHook(id: string): Promise<{ trigger: Trigger; secret: string } | undefined> {
    if (!isUuid(id)) return undefined;
    const trigger = await this.triggers.findOne({ where: { id } });
    if (!trigger) return undefined;
    return { trigger, secret: this.cipher.decrypt({ keyId: trigger.secretKeyId, ciphertext: trigger.secretCiphertext }, secretContext(id)) };
  }

  private async find(teamId: string, id: string): Promise<Trigger> {
    const trigger = isUuid(id) ? await this.triggers.findOne({ where: { id, teamId } }) : null;
    if (!trigger) throw AppException.notFound('Trigger');
    return trigger;
  }

  private async assertNameFree(teamId: string, name: string): Promise<void> {
    if (await this.triggers.exists({ where: { teamId, name } })) throw AppException.conflict(`A trigger named "${name}" already exists in this team`);
  }

  /**
   * Shape checks class-validator cannot express (exactly one target, string label values), then that
   * every flow and suite exists in this team, so a rule never points at nothing when it is saved.
   */
  private async checkRules(teamId: string, rules: TriggerRuleDto[]): Promise<TriggerRule[]> {
    const problems: FieldProblem[] = [];
    for (const [i, rule] of rules.entries()) {
      const field = `rules[${i}]`;
      for (const [name, value] of Object.entries(rule.match.labels)) {
        if (typeof value !== 'string') problems.push({ field: `${field}.match.labels.${name}`, message: 'must be a string (alert labels are text)' });
      }
      const { flowId, suiteId } = rule.run;
      if (!!flowId === !!suiteId) {
        problems.push({ field: `${field}.run`, message: 'must name exactly one of flowId and suiteId' });
        continue;
      }
      const exists = flowId
        ? await this.flows.get(teamId, flowId).then(() => true, notFoundAsFalse)
        : await this.suites.find(teamId, suiteId!).then(() => true, notFoundAsFalse);
      if (!exists) problems.push({ field: `${field}.run.${flowId ? 'flowId' : 'suiteId'}`, message: `${flowId ? 'flow' : 'suite'} ${flowId ?? suiteId} not found in this team` });
    }
    if (problems.length) throw AppException.validation(problems);
    return rules.map((r) => ({
      match: { labels: { ...r.match.labels } },
      status: r.status ?? 'firing',
      run: { ...(r.run.flowId ? { flowId: r.run.flowId } : { suiteId: r.run.suiteId }), variables: r.run.variables ?? {} },
    }));
  }
}

function notFoundAsFalse(error: unknown): false {
  if (error instanceof AppException && error.code === ErrorCode.NOT_FOUND) return false;
  throw error;
}

/** 32 random bytes, URL-safe: fits a Bearer header and Alertmanager's credentials field as is. */
function newSecret(): string {
  return `atsh_${randomBytes(32).toString('base64url')}`;
}
