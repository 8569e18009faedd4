import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, In, QueryFailedError, type EntityManager, type Repository } from 'typeorm';
import { AppException, type FieldProblem } from '../common/errors/app.exception';
import { AppConfig } from '../config/app-config';
import { EgressService } from '../egress/egress.service';
import type { TeamContext } from '../identity/tenancy/principal';
import type { ResolvedResource } from '../steps/step-plugin';
import { type ConnectionTestResult, ConnectionTestService } from './connection-test.service';
import type { CreateResourceDto } from './dto/create-resource.dto';
import type { ListResourcesQueryDto } from './dto/list-resources-query.dto';
import type { ResourceDto, ResourcePageDto, ResourceTypeDto } from './dto/resource.dto';
import type { TestResourceConfigDto } from './dto/test-resource-config.dto';
import type { UpdateResourceDto } from './dto/update-resource.dto';
import { ResolvedResourceCache } from './resolved-resource-cache';
import { assertEgressAllowed } from './resource-egress-check';
import { ResourceChangeBus } from './resource-change-bus.service';
import type { ResourceTypeMetadata } from './resource-type';
import { ResourceTypeRegistry } from './resource-type-registry.service';
import { Resource } from './resource.entity';
import { SecretCipher } from './secret-cipher.service';
import { repointProblems } from './address-change';
import { redactionValues } from './secret-redaction';
import {
  hasPath,
  maskSecrets,
  mergeSecretUpdate,
  mergeSecrets,
  plainSecretsIn,
  secretFieldsOf,
  secretStatus,
  splitSecrets,
  type SecretValues,
} from './secret-fields';

export interface ResourceSummary {
  id: string;
  name: string;
  type: string;
}

/** Answers the names of flows that use the resource; deleting a resource in use is refused. */
export type ResourceUsageProbe = (teamId: string, resourceId: string) => Promise<string[]>;

type ResourceChangeListener = (resourceId: string) => void;

/** A stored resource's full config and its secrets, as an update or a test of changes starts from. */
interface StoredConfig {
  config: Record<string, unknown>;
  secrets: SecretValues;
}

interface PreparedConfig {
  /** Validated config with defaults, secrets included (what testers and steps get). */
  config: Record<string, unknown>;
  /** The same without secret fields (stored as jsonb). */
  publicConfig: Record<string, unknown>;
  secrets: SecretValues;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Team resources: CRUD with encrypted secrets for the API, and for workers `resolve()` (decrypted,
 * cached, invalidated across processes), change notifications for pooled clients, and the usage
 * probes through which later modules (flows) veto deletes. Every lookup is filtered by team id.
 */
@Injectable()
export class ResourcesService {
  private readonly logger = new Logger('Resources');
  private readonly cache: ResolvedResourceCache;
  private readonly changeListeners = new Set<ResourceChangeListener>();
  private readonly usageProbes = new Set<ResourceUsageProbe>();

  constructor(
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
    private readonly dataSource: DataSource,
    private readonly registry: ResourceTypeRegistry,
    private readonly cipher: SecretCipher,
    private readonly bus: ResourceChangeBus,
    private readonly connectionTests: ConnectionTestService,
    private readonly appConfig: AppConfig,
    private readonly egress: EgressService,
  ) {
    this.cache = new ResolvedResourceCache(appConfig.RESOURCE_CACHE_TTL_SEC * 1000);
    bus.onChange((change) => this.forget(change.resourceId));
    bus.onResync(() => this.cache.clear().forEach((id) => this.notify(id)));
  }

  // ---------------------------------------------------------------------------------------------
  // API: CRUD and connection tests
  // ---------------------------------------------------------------------------------------------

  async create(team: TeamContext, dto: CreateResourceDto): Promise<ResourceDto> {
    const metadata = this.requireType(dto.type);
    const prepared = this.prepareConfig(metadata, dto.config);
    assertEgressAllowed(metadata, prepared.config, this.egress);
    const id = randomUUID();
    await this.uniqueName(dto.name, () =>
      this.resources.insert({
        id,
        teamId: team.teamId,
        name: dto.name,
        type: metadata.type,
        description: dto.description ?? null,
        labels: dto.labels ?? {},
        group: dto.group ?? null,
        namespace: dto.namespace ?? null,
        config: prepared.publicConfig as Resource['config'],
        ...this.seal(id, prepared.secrets),
        version: 1,
        createdBy: team.userId,
      }),
    );
    this.logger.log(`Resource ${id} (${metadata.type}) created in team ${team.teamId}`);
    return this.get(team.teamId, id);
  }

  async list(teamId: string, query: ListResourcesQueryDto): Promise<ResourcePageDto> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const qb = this.resources.createQueryBuilder('r').where('r.teamId = :teamId', { teamId });
    if (query.type) qb.andWhere('r.type = :type', { type: query.type });
    if (query.group) qb.andWhere('r.group = :group', { group: query.group });
    if (query.namespace) qb.andWhere('r.namespace = :namespace', { namespace: query.namespace });
    (query.label ?? []).forEach((label, i) => {
      const at = label.indexOf('=');
      if (at < 0) qb.andWhere(`r.labels -> :labelKey${i} IS NOT NULL`, { [`labelKey${i}`]: label });
      else qb.andWhere(`r.labels @> :label${i}::jsonb`, { [`label${i}`]: JSON.stringify({ [label.slice(0, at)]: label.slice(at + 1) }) });
    });
    if (query.search) qb.andWhere("r.name ILIKE :search ESCAPE '\\'", { search: `%${query.search.replace(/[\\%_]/g, '\\$&')}%` });
    const [rows, total] = await qb
      .orderBy('r.name', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map((row) => this.toDto(row)), total, page, pageSize };
  }

  async get(teamId: string, resourceId: string): Promise<ResourceDto> {
    return this.toDto(await this.findRow(this.resources.manager, teamId, resourceId));
  }

  async update(teamId: string, resourceId: string, dto: UpdateResourceDto): Promise<ResourceDto> {
    const saved = await this.uniqueName(dto.name ?? '', () =>
      this.dataSource.transaction(async (manager) => {
        const row = await this.findRow(manager, teamId, resourceId, { withSecrets: true, lock: true });
        if (dto.type !== undefined && dto.type !== row.type) {
          throw AppException.validation([{ field: 'type', message: `type cannot change (it is ${row.type}); create a new resource instead` }]);
        }
        // PartialType makes every field nullable; null clears description, group, namespace and labels only.
        if (dto.name === null) throw AppException.validation([{ field: 'name', message: 'name cannot be null' }]);
        const changes: Partial<Resource> = { version: row.version + 1 };
        if (dto.name !== undefined) changes.name = dto.name;
        if (dto.description !== undefined) changes.description = dto.description;
        if (dto.labels !== undefined) changes.labels = dto.labels ?? {};
        if (dto.group !== undefined) changes.group = dto.group;
        if (dto.namespace !== undefined) changes.namespace = dto.namespace;
        if (dto.config !== undefined) {
          const metadata = this.requireType(row.type);
          const prepared = this.prepareConfig(metadata, dto.config, this.storedConfigOf(metadata, row, dto.config));
          assertEgressAllowed(metadata, prepared.config, this.egress);
          Object.assign(changes, { config: prepared.publicConfig }, this.seal(row.id, prepared.secrets));
        } else if (row.secretsCiphertext && this.cipher.isStale({ keyId: row.secretsKeyId!, ciphertext: row.secretsCiphertext })) {
          // Key rotation happens on write: any update moves the secrets to the current key.
          Object.assign(changes, this.seal(row.id, this.openSecrets(row)));
        }
        await manager.getRepository(Resource).update({ id: row.id, teamId }, changes);
        return { id: row.id, version: changes.version! };
      }),
    );
    await this.bus.publish({ resourceId: saved.id, teamId, version: saved.version });
    this.logger.log(`Resource ${saved.id} updated to version ${saved.version}`);
    return this.get(teamId, saved.id);
  }

  async delete(teamId: string, resourceId: string): Promise<void> {
    const row = await this.findRow(this.resources.manager, teamId, resourceId);
    const users = [...new Set((await Promise.all([...this.usageProbes].map((probe) => probe(teamId, row.id)))).flat())].sort();
    if (users.length) {
      throw AppException.conflict(`Resource "${row.name}" is used by ${users.length === 1 ? 'flow' : 'flows'} ${users.map((n) => `"${n}"`).join(', ')}; change them first`, {
        flows: users,
      });
    }
    await this.resources.delete({ id: row.id, teamId });
    await this.bus.publish({ resourceId: row.id, teamId, version: null });
    this.logger.log(`Resource ${row.id} deleted from team ${teamId}`);
  }

  async testSaved(teamId: string, resourceId: string, timeoutMs?: number): Promise<ConnectionTestResult> {
    const resource = await this.resolve(teamId, resourceId);
    const registered = this.registry.get(resource.type);
    if (!registered) return { ok: false, latencyMs: 0, error: `resource type "${resource.type}" is not available in this version` };
    return this.connectionTests.run(registered.tester, resource.config, { timeoutMs, secretValues: resource.secretValues ?? [] });
  }

  async testUnsaved(teamId: string, dto: TestResourceConfigDto, timeoutMs?: number): Promise<ConnectionTestResult> {
    const metadata = this.requireType(dto.type);
    let stored: StoredConfig | undefined;
    if (dto.resourceId) {
      const row = await this.findRow(this.resources.manager, teamId, dto.resourceId, { withSecrets: true });
      if (row.type !== dto.type) throw AppException.validation([{ field: 'type', message: `resource ${row.name} is a ${row.type} resource` }]);
      stored = this.storedConfigOf(metadata, row, dto.config);
    }
    const prepared = this.prepareConfig(metadata, dto.config, stored);
    const tester = this.registry.get(metadata.type)!.tester;
    return this.connectionTests.run(tester, prepared.config, { timeoutMs, secretValues: redactionValues(prepared.secrets, prepared.config) });
  }

  types(): ResourceTypeDto[] {
    return this.registry.metadata().map((m) => ({
      type: m.type,
      description: m.description,
      secretFields: secretFieldsOf(m.secrets, m.example).map((s) => s.path),
      configSchema: m.config.name,
      example: m.example,
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // For other modules (engine, flows, step plugins)
  // ---------------------------------------------------------------------------------------------

  /**
   * The resource with its secrets decrypted and merged into `config` (and listed in `secretValues` for
   * redaction). Cached per process; edits and deletes anywhere invalidate it. Throws
   * AppException.notFound when the team has no such resource. The result is the caller's own copy.
   */
  async resolve(teamId: string, resourceId: string): Promise<ResolvedResource> {
    if (!isUUID(resourceId) || !isUUID(teamId)) throw AppException.notFound('Resource');
    const resource = await this.cache.load(teamId, resourceId, async () => {
      const row = await this.findRow(this.resources.manager, teamId, resourceId, { withSecrets: true });
      const secrets = this.openSecrets(row);
      const config = mergeSecrets(row.config, secrets);
      // Values an old row still holds in the clear (plain http headers) are redacted like encrypted ones.
      const metadata = this.registry.get(row.type)?.metadata;
      const fields = metadata ? secretFieldsOf(metadata.secrets, row.config) : [];
      return {
        id: row.id,
        name: row.name,
        type: row.type,
        version: row.version,
        config,
        secretValues: redactionValues({ ...plainSecretsIn(row.config, fields), ...secrets }, config),
      };
    });
    return structuredClone(resource);
  }

  /** The type of the team's resource, or null when the team has none with this id (flow validation). */
  async typeOf(teamId: string, resourceId: string): Promise<string | null> {
    if (!isUUID(resourceId) || !isUUID(teamId)) return null;
    const row = await this.resources.findOne({ where: { id: resourceId, teamId }, select: { id: true, type: true } });
    return row?.type ?? null;
  }

  /** The team's resources with these names; unknown names are absent (flow import). */
  async findByNames(teamId: string, names: readonly string[]): Promise<ResourceSummary[]> {
    if (!names.length || !isUUID(teamId)) return [];
    return this.resources.find({ where: { teamId, name: In([...new Set(names)]) }, select: { id: true, name: true, type: true }, order: { name: 'ASC' } });
  }

  /** Names of the team's resources by id; unknown ids are absent (flow export). */
  async namesByIds(teamId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const valid = [...new Set(ids)].filter((id) => isUUID(id));
    if (!valid.length || !isUUID(teamId)) return new Map();
    const rows = await this.resources.find({ where: { teamId, id: In(valid) }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Called with the id whenever a resource is updated or deleted, in this or any other process. */
  onResourceChanged(listener: ResourceChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Lets a module that references resources (flows) veto deletes; returns an unregister function. */
  registerUsageProbe(probe: ResourceUsageProbe): () => void {
    this.usageProbes.add(probe);
    return () => this.usageProbes.delete(probe);
  }

  // ---------------------------------------------------------------------------------------------

  private forget(resourceId: string): void {
    this.cache.invalidate(resourceId);
    this.notify(resourceId);
  }

  private notify(resourceId: string): void {
    for (const listener of this.changeListeners) {
      try {
        listener(resourceId);
      } catch (error) {
        this.logger.error(`A resource change listener failed: ${(error as Error).message}`);
      }
    }
  }

  private requireType(type: string): ResourceTypeMetadata {
    const registered = this.registry.get(type);
    if (!registered) {
      throw AppException.validation([{ field: 'type', message: `unknown resource type "${type}"; one of: ${this.registry.types().join(', ')}` }]);
    }
    return registered.metadata;
  }

  /**
   * Merges secrets (PATCH rules), validates with the type's DTO and splits the result. Starting from a
   * stored resource, kept secrets are refused when the address changed (see repointProblems). Problems
   * name the field under `config.`.
   */
  private prepareConfig(metadata: ResourceTypeMetadata, raw: Record<string, unknown>, stored?: StoredConfig): PreparedConfig {
    const merged = mergeSecretUpdate(raw, stored?.secrets ?? {}, secretFieldsOf(metadata.secrets, raw));
    const validated = this.registry.validateConfig(metadata.type, merged.config);
    const repointed = stored && validated.config ? repointProblems(metadata.addressFields, stored.config, validated.config, merged.kept) : [];
    const problems: FieldProblem[] = [...merged.problems, ...repointed, ...validated.problems].map((p) => ({
      field: p.field ? `config.${p.field}` : 'config',
      message: p.message,
    }));
    if (problems.length || !validated.config) throw AppException.validation(problems);
    const { publicConfig, secrets } = splitSecrets(validated.config, secretFieldsOf(metadata.secrets, validated.config));
    return { config: validated.config, publicConfig, secrets };
  }

  /**
   * The stored config and the secrets an update may keep, plain values of old rows included (see
   * plainSecretsIn). When the secrets cannot be decrypted (their key was removed from SECRETS_KEYS), the
   * update must send every secret field again — anything else would silently lose them.
   */
  private storedConfigOf(metadata: ResourceTypeMetadata, row: Resource, incoming: Record<string, unknown>): StoredConfig {
    const plain = plainSecretsIn(row.config, secretFieldsOf(metadata.secrets, row.config));
    let secrets: SecretValues;
    try {
      secrets = { ...plain, ...this.openSecrets(row) };
    } catch (error) {
      const missing = row.secretPaths.filter((path) => !hasPath(incoming, path));
      if (missing.length) {
        throw AppException.conflict(`The stored secrets cannot be decrypted (${(error as Error).message}); send ${missing.map((p) => `config.${p}`).join(', ')} again`);
      }
      secrets = plain;
    }
    return { config: mergeSecrets(row.config, secrets), secrets };
  }

  private openSecrets(row: Resource): SecretValues {
    if (!row.secretsCiphertext || !row.secretsKeyId) return {};
    try {
      return JSON.parse(this.cipher.decrypt({ keyId: row.secretsKeyId, ciphertext: row.secretsCiphertext }, secretsContext(row.id))) as SecretValues;
    } catch (error) {
      throw new Error(`Secrets of resource ${row.id} cannot be read: ${(error as Error).message}`);
    }
  }

  private seal(id: string, secrets: SecretValues): Pick<Resource, 'secretsCiphertext' | 'secretsKeyId' | 'secretPaths'> {
    const paths = Object.keys(secrets).sort();
    if (!paths.length) return { secretsCiphertext: null, secretsKeyId: null, secretPaths: [] };
    const sealed = this.cipher.encrypt(JSON.stringify(secrets), secretsContext(id));
    return { secretsCiphertext: sealed.ciphertext, secretsKeyId: sealed.keyId, secretPaths: paths };
  }

  private async findRow(
    manager: EntityManager,
    teamId: string,
    resourceId: string,
    options: { withSecrets?: boolean; lock?: boolean } = {},
  ): Promise<Resource> {
    if (!isUUID(resourceId)) throw AppException.notFound('Resource');
    const qb = manager.getRepository(Resource).createQueryBuilder('r').where('r.id = :resourceId AND r.teamId = :teamId', { resourceId, teamId });
    if (options.withSecrets) qb.addSelect(['r.secretsCiphertext', 'r.secretsKeyId']);
    if (options.lock) qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) throw AppException.notFound('Resource');
    return row;
  }

  private async uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw AppException.conflict(`name: a resource named "${name}" already exists in this team`);
      }
      throw error;
    }
  }

  private toDto(row: Resource): ResourceDto {
    const metadata = this.registry.get(row.type)?.metadata;
    const fields = metadata ? secretFieldsOf(metadata.secrets, row.config) : [];
    return {
      id: row.id,
      teamId: row.teamId,
      name: row.name,
      type: row.type,
      description: row.description,
      labels: row.labels,
      group: row.group,
      namespace: row.namespace,
      config: maskSecrets(row.config, fields),
      secrets: metadata ? secretStatus(row.config, row.secretPaths, fields) : Object.fromEntries(row.secretPaths.map((p) => [p, true])),
      version: row.version,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

/** Additional authenticated data of a resource's secrets: a ciphertext moved to another row does not open. */
function secretsContext(resourceId: string): string {
  return `resource:${resourceId}`;
}
