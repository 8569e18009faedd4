import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager, In, IsNull, QueryFailedError, type Repository } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { preparedQuery } from '../database/prepared-query';
import { rowMapper } from '../database/row-mapper';
import type { TeamContext } from '../identity/tenancy/principal';
import { FlowDefinitionDto, UpdateFlowDto } from './dto/flow-definition.dto';
import type { ListFlowsQueryDto } from './dto/flow-queries.dto';
import type { FlowVersionSnapshot } from './flow-definition';
import { normalizeDefaults, normalizeOutputs, normalizeSteps, normalizeVariables, stepTypesOf } from './flow-normalizer';
import { FlowVersion } from './flow-version.entity';
import { type FlowSummaryView, type FlowVersionView, type FlowView, type Page, toFlowView, toSummaryView, toVersionView } from './flow-view';
import { Flow } from './flow.entity';
import { type FlowProblem, invalidFlow } from '../flow-language/flow-problem';
import { FlowValidator } from './validation/flow-validator.service';
import { validateShape } from './validation/validate-shape';
import { jsonEqual } from './versions/canonical-json';
import { diffFlowVersions, type FlowDiff } from './versions/flow-diff';
import { FlowVersionReader } from './versions/flow-version-reader';

const UNIQUE_NAME_INDEX = 'flows_team_name_live_uq';

export interface FlowVersionSummary {
  version: number;
  restoredFrom: number | null;
  stepCount: number;
  variableCount: number;
  createdBy: string | null;
  createdAt: Date;
}

/**
 * Flows and their immutable versions. Every change to variables or steps writes a new version (the
 * header row only points at the latest); executions pin a version through getVersionForRun.
 */
@Injectable()
export class FlowsService {
  constructor(
    @InjectRepository(Flow) private readonly flows: Repository<Flow>,
    @InjectRepository(FlowVersion) private readonly versions: Repository<FlowVersion>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly validator: FlowValidator,
    private readonly versionReader: FlowVersionReader,
  ) {
    this.flowFromRow = rowMapper(flows);
  }

  private readonly flowFromRow: (row: Record<string, unknown>) => Flow;

  /** The version an execution runs: the latest when `version` is absent. 404 for a missing or deleted flow. */
  getVersionForRun(teamId: string, flowId: string, version?: number): Promise<FlowVersionSnapshot> {
    return this.versionReader.forNewRun(teamId, flowId, version);
  }

  /** getVersionForRun from this process's memory when it can be: possibly stale, see FlowVersionReader.recentForNewRun. */
  recentVersionForRun(teamId: string, flowId: string, version?: number): Promise<FlowVersionSnapshot> {
    return this.versionReader.recentForNewRun(teamId, flowId, version);
  }

  /** Forgets what recentVersionForRun remembers for this flow and version request. */
  forgetVersionForRun(teamId: string, flowId: string, version?: number): void {
    this.versionReader.forgetForNewRun(teamId, flowId, version);
  }

  /** Every problem of a full definition (shape, plugins, resources, references); empty when valid. */
  async validateDefinition(teamId: string, raw: unknown): Promise<{ definition: FlowDefinitionDto; problems: FlowProblem[] }> {
    const { value, problems } = validateShape(FlowDefinitionDto, raw);
    const content = await this.validator.checkContent(teamId, value);
    return { definition: value, problems: [...problems, ...content] };
  }

  async create(team: TeamContext, raw: unknown): Promise<FlowView> {
    const { definition, problems } = await this.validateDefinition(team.teamId, raw);
    if (problems.length) throw invalidFlow(problems);
    // One statement: atomic on its own.
    return this.insert(undefined, team, definition).catch(rethrowNameClash);
  }

  /** Creates several validated flows in the caller's transaction (import). */
  insertMany(manager: EntityManager, team: TeamContext, definitions: readonly FlowDefinitionDto[]): Promise<FlowView[]> {
    return definitions.reduce<Promise<FlowView[]>>(
      async (done, definition) => [...(await done), await this.insert(manager, team, definition)],
      Promise.resolve([]),
    );
  }

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work).catch(rethrowNameClash);
  }

  /** Names of the team's live flows among `names`. */
  async existingNames(teamId: string, names: readonly string[]): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await this.flows.find({ select: { name: true }, where: { teamId, name: In([...names]), deletedAt: IsNull() } });
    return new Set(rows.map((r) => r.name));
  }

  /** Names of live flows whose latest version uses the resource (vetoes its deletion). */
  async namesUsingResource(teamId: string, resourceId: string): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.flows.query(
      `SELECT f.name FROM flows f
         JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.latest_version
        WHERE f.team_id = $1 AND f.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(v.steps) s WHERE s->'config'->>'resourceId' = $2)
        ORDER BY f.name`,
      [teamId, resourceId],
    );
    return rows.map((r) => r.name);
  }

  async list(teamId: string, query: ListFlowsQueryDto): Promise<Page<FlowSummaryView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const sort = query.sort ?? 'updatedAt';
    const order = (query.order ?? (sort === 'name' ? 'asc' : 'desc')).toUpperCase() as 'ASC' | 'DESC';
    const qb = this.flows.createQueryBuilder('f').where('f.teamId = :teamId AND f.deletedAt IS NULL', { teamId });
    if (query.q) qb.andWhere(`f.name ILIKE :q ESCAPE '\\'`, { q: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    // @> (not = ANY) so the GIN indexes serve these filters.
    if (query.tag) qb.andWhere('f.tags @> ARRAY[:tag]::text[]', { tag: query.tag });
    if (query.stepType) qb.andWhere('f.stepTypes @> ARRAY[:stepType]::text[]', { stepType: query.stepType });
    const [rows, total] = await qb
      .orderBy(`f.${sort}`, order)
      .addOrderBy('f.id', order)
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map(toSummaryView), total, page, pageSize };
  }

  async get(teamId: string, flowId: string): Promise<FlowView> {
    const flow = await this.findLive(this.flows.manager, teamId, flowId);
    return toFlowView(flow, await this.findVersion(flow, flow.latestVersion));
  }

  /** The latest definitions of the team's live flows (all, or those ids — 404 if one is missing), by name. */
  async getMany(teamId: string, ids?: readonly string[]): Promise<FlowView[]> {
    if (ids && ids.some((id) => !isUUID(id))) throw AppException.notFound('Flow');
    const flows = await this.flows.find({
      where: { teamId, deletedAt: IsNull(), ...(ids && { id: In([...ids]) }) },
      order: { name: 'ASC', id: 'ASC' },
    });
    if (ids && flows.length !== new Set(ids).size) throw AppException.notFound('Flow');
    if (!flows.length) return [];
    const versions = await this.versions
      .createQueryBuilder('v')
      .innerJoin(Flow, 'f', 'f.id = v.flowId AND f.latestVersion = v.version')
      .where('v.flowId IN (:...ids)', { ids: flows.map((f) => f.id) })
      .getMany();
    const byFlow = new Map(versions.map((v) => [v.flowId, v]));
    return flows.map((f) => toFlowView(f, byFlow.get(f.id)!));
  }

  /**
   * Applies a partial edit. Name, description and tags change the header only; variables or steps that
   * differ from the latest version (after normalisation) create the next version.
   */
  async update(team: TeamContext, flowId: string, raw: unknown): Promise<FlowView> {
    const { value: patch, problems } = validateShape(UpdateFlowDto, raw);
    if (problems.length) throw invalidFlow(problems);
    return this.inTransaction(async (manager) => {
      const flow = await this.findLive(manager, team.teamId, flowId, true);
      if (patch.baseVersion !== undefined && patch.baseVersion !== flow.latestVersion) {
        throw AppException.conflict(`baseVersion: the flow is at version ${flow.latestVersion}, not ${patch.baseVersion}; reload and edit again`, {
          latestVersion: flow.latestVersion,
        });
      }
      let latest = await this.findVersion(flow, flow.latestVersion, manager);
      let changed = false;
      if (patch.variables != null || patch.steps != null || patch.outputs != null || patch.defaults != null) {
        const content = {
          variables: patch.variables ?? latest.variables,
          steps: patch.steps ?? latest.steps,
          outputs: patch.outputs ?? latest.outputs,
          defaults: patch.defaults ?? latest.defaults,
        };
        const contentProblems = await this.validator.checkContent(team.teamId, content, flow.id);
        if (contentProblems.length) throw invalidFlow(contentProblems);
        const next = {
          variables: normalizeVariables(content.variables),
          steps: normalizeSteps(content.steps, latest.steps),
          outputs: normalizeOutputs(content.outputs),
          defaults: normalizeDefaults(content.defaults),
        };
        if (!jsonEqual(next, { variables: latest.variables, steps: latest.steps, outputs: latest.outputs ?? {}, defaults: latest.defaults ?? {} })) {
          latest = await this.addVersion(manager, flow, next, team.userId, null);
          changed = true;
        }
      }
      const tags = patch.tags == null ? flow.tags : uniqueTags(patch.tags);
      const header = { name: patch.name ?? flow.name, description: patch.description ?? flow.description, tags };
      if (!jsonEqual(header, { name: flow.name, description: flow.description, tags: flow.tags })) {
        Object.assign(flow, header);
        changed = true;
      }
      if (changed) await manager.save(flow);
      return toFlowView(flow, latest);
    });
  }

  async delete(teamId: string, flowId: string): Promise<void> {
    if (!isUUID(flowId)) throw AppException.notFound('Flow');
    const result = await this.flows.update({ id: flowId, teamId, deletedAt: IsNull() }, { deletedAt: () => 'now()' });
    if (!result.affected) throw AppException.notFound('Flow');
  }

  async listVersions(teamId: string, flowId: string, page = 1, pageSize = 20): Promise<Page<FlowVersionSummary>> {
    const flow = await this.findLive(this.flows.manager, teamId, flowId);
    const rows: Array<{ version: number; restored_from: number | null; step_count: number; variable_count: number; created_by: string | null; created_at: Date }> =
      await this.versions.query(
        `SELECT version, restored_from, jsonb_array_length(steps) AS step_count, jsonb_array_length(variables) AS variable_count,
                created_by, created_at
           FROM flow_versions WHERE flow_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3`,
        [flow.id, pageSize, (page - 1) * pageSize],
      );
    return {
      // Versions are never deleted and are numbered without gaps, so the latest number is the count.
      total: flow.latestVersion,
      page,
      pageSize,
      items: rows.map((r) => ({
        version: r.version,
        restoredFrom: r.restored_from,
        stepCount: r.step_count,
        variableCount: r.variable_count,
        createdBy: r.created_by,
        createdAt: r.created_at,
      })),
    };
  }

  async getVersion(teamId: string, flowId: string, version: number): Promise<FlowVersionView> {
    const flow = await this.findLive(this.flows.manager, teamId, flowId);
    return toVersionView(flow, await this.findVersion(flow, version));
  }

  /** Differences from `from` (default: the version before `to`) to `to` (default: latest). */
  async diff(teamId: string, flowId: string, from?: number, to?: number): Promise<FlowDiff & { flowId: string; from: number; to: number }> {
    const flow = await this.findLive(this.flows.manager, teamId, flowId);
    const toVersion = to ?? flow.latestVersion;
    const fromVersion = from ?? Math.max(1, toVersion - 1);
    const [a, b] = await Promise.all([this.findVersion(flow, fromVersion), this.findVersion(flow, toVersion)]);
    return { flowId: flow.id, from: fromVersion, to: toVersion, ...diffFlowVersions(a, b) };
  }

  /**
   * Makes an old version the newest: a new version with its variables and steps (step ids kept), after
   * validating it against today's plugins and resources. Restoring what is already latest changes nothing.
   */
  async restore(team: TeamContext, flowId: string, version: number): Promise<FlowView> {
    return this.inTransaction(async (manager) => {
      const flow = await this.findLive(manager, team.teamId, flowId, true);
      const source = await this.findVersion(flow, version, manager);
      const latest = await this.findVersion(flow, flow.latestVersion, manager);
      if (
        jsonEqual(
          [source.variables, source.steps, source.outputs, source.defaults ?? {}],
          [latest.variables, latest.steps, latest.outputs, latest.defaults ?? {}],
        )
      ) {
        return toFlowView(flow, latest);
      }
      const problems = await this.validator.checkContent(team.teamId, source, flow.id);
      if (problems.length) throw invalidFlow(problems, `Version ${version}`);
      const created = await this.addVersion(manager, flow, source, team.userId, source.version);
      await manager.save(flow);
      return toFlowView(flow, created);
    });
  }

  /**
   * The flow and its first version in one statement (one round trip, no transaction needed around it),
   * with the definition sent as JSON text: TypeORM's save deep-merged every step into an entity first,
   * which cost more than the rest of saving a 1,000-step flow.
   */
  private async insert(manager: EntityManager | undefined, team: TeamContext, definition: FlowDefinitionDto): Promise<FlowView> {
    const variables = normalizeVariables(definition.variables);
    const steps = normalizeSteps(definition.steps);
    const outputs = normalizeOutputs(definition.outputs);
    const defaults = normalizeDefaults(definition.defaults);
    const parameters = [
      team.teamId,
      definition.name,
      definition.description ?? '',
      uniqueTags(definition.tags ?? []),
      stepTypesOf(steps),
      team.userId,
      JSON.stringify(variables),
      JSON.stringify(steps),
      JSON.stringify(outputs),
      JSON.stringify(defaults),
    ];
    // Outside a caller's transaction, a prepared statement: parsed and planned once per connection.
    const [row] = manager
      ? ((await manager.query(INSERT_FLOW, parameters)) as Array<Record<string, unknown>>)
      : await preparedQuery<Record<string, unknown>>(this.dataSource, 'flow-insert', INSERT_FLOW, parameters);
    const flow = this.flowFromRow(row);
    const version: FlowVersion = { flowId: flow.id, version: 1, variables, steps, outputs, defaults, restoredFrom: null, createdBy: team.userId, createdAt: row.version_created_at as Date };
    return toFlowView(flow, version);
  }

  /** Writes version latest+1 and points the (locked, caller-saved) flow at it. */
  private async addVersion(
    manager: EntityManager,
    flow: Flow,
    content: Pick<FlowVersion, 'variables' | 'steps' | 'outputs' | 'defaults'>,
    createdBy: string | null,
    restoredFrom: number | null,
  ): Promise<FlowVersion> {
    const version = await manager.save(
      manager.create(FlowVersion, {
        flowId: flow.id,
        version: flow.latestVersion + 1,
        variables: content.variables,
        steps: content.steps,
        outputs: content.outputs ?? {},
        defaults: content.defaults ?? {},
        restoredFrom,
        createdBy,
      }),
    );
    flow.latestVersion = version.version;
    flow.stepTypes = stepTypesOf(version.steps);
    return version;
  }

  /** The team's live flow or 404 — the only way flows are looked up, so a deleted or foreign flow is never reached. */
  private async findLive(manager: EntityManager, teamId: string, flowId: string, lock = false): Promise<Flow> {
    const flow = isUUID(flowId)
      ? await manager.findOne(Flow, { where: { id: flowId, teamId, deletedAt: IsNull() }, ...(lock && { lock: { mode: 'pessimistic_write' as const } }) })
      : null;
    if (!flow) throw AppException.notFound('Flow');
    return flow;
  }

  private async findVersion(flow: Flow, version: number, manager: EntityManager = this.versions.manager): Promise<FlowVersion> {
    const row =
      Number.isSafeInteger(version) && version >= 1 && version <= flow.latestVersion
        ? await manager.findOne(FlowVersion, { where: { flowId: flow.id, version } })
        : null;
    if (!row) throw AppException.notFound(`Flow version ${version}`);
    return row;
  }
}

function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

function rethrowNameClash(error: unknown): never {
  throw isNameClash(error) ? AppException.conflict('name: a flow with this name already exists in the team') : error;
}

const INSERT_FLOW = `
  WITH f AS (
    INSERT INTO flows (team_id, name, description, tags, step_types, latest_version, created_by)
    VALUES ($1, $2, $3, $4, $5, 1, $6)
    RETURNING *
  ), v AS (
    INSERT INTO flow_versions (flow_id, version, variables, steps, outputs, defaults, restored_from, created_by)
    SELECT f.id, 1, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, NULL, $6 FROM f
    RETURNING created_at
  )
  SELECT f.*, v.created_at AS version_created_at FROM f, v`;

function isNameClash(error: unknown): boolean {
  // TypeORM wraps the driver's error; a prepared statement (preparedQuery) throws pg's own.
  const driver = (error instanceof QueryFailedError ? error.driverError : error) as { code?: string; constraint?: string } | undefined;
  return driver?.code === '23505' && driver.constraint === UNIQUE_NAME_INDEX;
}
